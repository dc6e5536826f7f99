"""Settings, read from the environment (and a .env file if present). Nothing else reads it."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.content import CONTENT_ROOT
from bot.storage.db import DEFAULT_SQLITE_PATH

# What can be rebuilt but is slow to: the safety screen's trained second reader.
DEFAULT_CACHE_DIR = Path("data/cache")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}")
    # SQLite: how long a write waits for another process's write lock before giving up
    # (the console then answers 503 "busy"; its pages that only look never wait).
    sqlite_busy_seconds: float = 30.0
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    content_dir: Path = CONTENT_ROOT
    # Files the service makes for itself and can make again (the safety screen's trained
    # second reader): kept between starts, shared by workers; safe to delete.
    cache_dir: Path = DEFAULT_CACHE_DIR
    worker_id: str = ""

    telegram_bot_token: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str | None = None
    # The bot's @username, for the t.me links that join Telegram to someone's texts.
    telegram_bot_username: str | None = None

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_from_number: str | None = None
    twilio_api_base_url: str | None = None
    public_base_url: str | None = None
    trust_proxy: bool = False
    # People's own words in other scripts are sent as UCS-2 when true; otherwise every
    # text is forced into GSM-7 (cheaper, and what UK texting budgets assume).
    sms_allow_unicode: bool = False

    # Sending limits (the platforms' published ceilings). With several workers on
    # PostgreSQL, each takes an equal share: set DISPATCH_WORKERS to how many run.
    telegram_rate_per_second: float = 30.0
    telegram_chat_interval_seconds: float = 1.0
    telegram_group_per_minute: int = 20
    sms_segments_per_second: float = 10.0
    dispatch_workers: int = 1
    # How far ahead scheduled encouragement is planned (days, Europe/London).
    planning_horizon_days: int = 2

    # When the Move Mates team works (Europe/London): someone who asks to talk to a person
    # is told when a person will reply from these. Days, then opening and closing times.
    staff_hours: str = "Mon-Fri 09:00-17:00"
    # Days the team is off although STAFF_HOURS says otherwise (bank holidays): ISO dates,
    # separated by commas, such as "2026-12-25,2026-12-28".
    staff_closed_days: str = ""
    # What one SMS segment costs, in pounds: the staff console shows the estimated cost of
    # a reply before it is sent.
    sms_price_per_segment: float = 0.04

    # Staff sign in with their organisation account (OpenID Connect: Microsoft Entra ID,
    # NHSmail) when all three are set; the issuer is the exact `issuer` of its discovery
    # document, such as https://login.microsoftonline.com/<tenant id>/v2.0.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    # Roles from a claim of the ID token (such as "roles", an Entra app role): the values,
    # separated by commas, that make someone a coordinator or a moderator. Without a claim,
    # roles come from staff accounts, matched by the verified email address.
    oidc_role_claim: str | None = None
    oidc_coordinator_values: str = ""
    oidc_moderator_values: str = ""

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def console_base_url(self) -> str:
        """Where people reach this service (PUBLIC_BASE_URL), for the staff console's set-up
        links and its cookies (Secure when it is https); without it, this machine."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and
                    (self.twilio_messaging_service_sid or self.twilio_from_number))
