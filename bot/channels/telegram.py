"""Telegram, through python-telegram-bot 22, as a transport only.

Inbound: updates (polling, or a webhook on the service's ASGI app) become neutral events
for the engine. Outbound: the dispatcher hands outbox rows to `TelegramSender`, which
renders options as inline keyboards. Conversation logic never sees a Telegram type.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import warnings
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlparse

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels import telegram_keyboards as keyboards
from bot.channels.admission import Admission
from bot.channels.telegram_media import Wordless, read_edit, read_message
from bot.channels.telegram_request import RetryingRequest
from bot.channels.wordless import WordlessReplies
from bot.config import Settings
from bot.core.content import ContentLibrary
from bot.core.events import Address, EventKind, Inbound, Outbound
from bot.core.splitting import split_text
from bot.dispatch.outbox import STOPPED_PART_WAY, Outcome, Outgoing, Result, StillWanted
from bot.engine.handler import Handler
from bot.referrals import ReferralCodes, default_codes
from bot.safety.screens import screen_for

# Opt in to PTB's coming behaviour (durations as timedelta) rather than warnings about it.
os.environ.setdefault("PTB_TIMEDELTA", "1")

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_WEBHOOK_PATH = "/telegram"
COMMANDS = ("start", "menu", "suggest", "buddy", "team", "groups", "settings", "pause",
            "resume", "mydata", "deleteme", "help")
MAX_CONCURRENT_UPDATES = 64
COMMANDS_FIRST_WAIT = 5.0  # seconds before setMyCommands is tried again; doubled each time
COMMANDS_MAX_WAIT = 600.0
# A group moved more than this many times within one send is given up (and retried later).
MAX_MIGRATIONS = 4


class ChatMigratedHandler(Protocol):
    async def __call__(self, old_chat_id: int, new_chat_id: int) -> None: ...


class GroupHandler(Protocol):
    """Group moderation: everything said in groups, and joining one from a private chat."""

    async def handle(self, update: Update) -> None: ...

    async def handle_private(self, update: Update) -> bool: ...


def build_application(settings: Settings, *, polling: bool,
                      request: RetryingRequest | None = None) -> Application:
    # Every call that is safe to repeat survives a 5xx or a network error (see
    # telegram_request); messages are retried by the outbox.
    builder = ApplicationBuilder().token(settings.telegram_bot_token or "") \
        .request(request or RetryingRequest())
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    if not polling:
        builder = builder.updater(None)
    # Updates from different people run side by side; one person's run in order (see
    # TelegramChannel._lock_for).
    return builder.concurrent_updates(MAX_CONCURRENT_UPDATES).build()


class TelegramSender:
    """Delivers outbox rows to Telegram and says honestly what happened."""

    channel = CHANNEL
    # Before each part after the first, the dispatcher is asked whether STOP came meanwhile.
    asks_between_parts = True

    def __init__(self, application: Application, content: ContentLibrary,
                 on_chat_migrated: ChatMigratedHandler | None = None) -> None:
        self.application = application
        self.content = content.for_language(None)
        self._location_keyboard_open: set[str] = set()
        # A group that became a supergroup: its stored rows move (set by the app).
        self.on_chat_migrated = on_chat_migrated
        self._moved: dict[str, str] = {}  # old chat id -> new, for rows already claimed

    async def send(self, item: Outgoing, still_wanted: StillWanted | None = None) -> Outcome:
        message = item.message
        parts = split_text(message.text, MessageLimit.MAX_TEXT_LENGTH) or [" "]
        address = self.moved_to(item.address)
        markup = self._markup(address, message)
        last_id: str | None = None
        for number, part in enumerate(parts):
            if number < item.parts_sent:  # sent before a failure part-way through
                continue
            if last_id is not None and still_wanted is not None and \
                    not await still_wanted(item):
                # They stopped (STOP) while an earlier part was on its way: nothing more.
                return Outcome(Result.SUPPRESSED, error=STOPPED_PART_WAY, provider_ref=last_id,
                               parts_sent=number)
            try:
                for hop in range(MAX_MIGRATIONS + 1):
                    try:
                        sent = await self._send_part(address, part, markup,
                                                     number == len(parts) - 1)
                        break
                    except ChatMigrated as moved:
                        # Telegram refused nothing but the old id: the message goes to the
                        # new one, and so does everything queued for the group (moved
                        # again, if the new id has moved on too).
                        if hop == MAX_MIGRATIONS:
                            raise
                        address = await self._migrated(address, str(moved.new_chat_id))
            except ChatMigrated:
                return Outcome(Result.RETRY, error="telegram_chat_migrated", parts_sent=number)
            except RetryAfter as error:
                return Outcome(Result.RETRY, error="telegram_429", parts_sent=number,
                               retry_after=_seconds(error))
            except Forbidden as error:
                # Blocked, deactivated, kicked, or never started the bot: all mean that
                # nothing reaches them until they write again.
                return Outcome(Result.UNREACHABLE, error=_forbidden_reason(error),
                               parts_sent=number)
            except BadRequest as error:
                unreachable = "chat not found" in str(error).lower()
                return Outcome(Result.UNREACHABLE if unreachable else Result.FAILED,
                               error="telegram_chat_not_found" if unreachable
                               else "telegram_bad_request", parts_sent=number)
            except TimedOut as error:
                if _never_reached_telegram(error):
                    return Outcome(Result.RETRY, error="telegram_connect_timeout",
                                   parts_sent=number)
                # It may have arrived; Telegram has no idempotency key, so never resend blindly.
                return Outcome(Result.UNKNOWN, error="telegram_timeout", parts_sent=number)
            except NetworkError:
                # A 5xx answer or a broken connection: the outbox tries again with backoff.
                return Outcome(Result.RETRY, error="telegram_network", parts_sent=number)
            last_id = str(sent.message_id)
        return Outcome(Result.SENT, provider_ref=last_id, parts_sent=len(parts))

    async def _send_part(self, address: str, text: str, markup: object | None,
                         last: bool) -> Message:
        return await self.application.bot.send_message(
            chat_id=int(address), text=text, reply_markup=markup if last else None)

    def moved_to(self, address: str) -> str:
        """Where a chat is now, following every move we know of (old -> mid -> new), for
        rows claimed before their group moved."""
        seen = {address}
        while address in self._moved and self._moved[address] not in seen:
            address = self._moved[address]
            seen.add(address)
        return address

    async def _migrated(self, old: str, new: str) -> str:
        log.info("telegram: chat %s is now %s; moving it", old, new)
        self._moved[old] = new
        if self.on_chat_migrated is not None:
            await self.on_chat_migrated(int(old), int(new))
        return self.moved_to(new)

    def _markup(self, address: str, message: Outbound) -> object | None:
        inline = keyboards.inline_keyboard(message, self.content.text("buttons.done"))
        if inline is not None:
            return inline
        if message.ask_location:
            self._location_keyboard_open.add(address)
            button = KeyboardButton(self.content.text("buttons.share_location"),
                                    request_location=True)
            return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)
        if address in self._location_keyboard_open:
            self._location_keyboard_open.discard(address)
            return ReplyKeyboardRemove()
        return None


def _passing(error: TelegramError) -> bool:
    """A fault that may pass (the network, a 5xx, flood control), not a set-up mistake
    (InvalidToken; BadRequest, such as a webhook URL Telegram refuses)."""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _forbidden_reason(error: Forbidden) -> str:
    said = str(error).lower()
    for words, reason in (("blocked", "blocked"), ("deactivated", "deactivated"),
                          ("kicked", "kicked"), ("initiate", "not_started")):
        if words in said:
            return f"telegram_forbidden_{reason}"
    return "telegram_forbidden"


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _never_reached_telegram(error: TimedOut) -> bool:
    cause = error.__cause__
    return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)


def well_formed(update: Update) -> bool:
    """The fields we read have the types the Bot API gives them. PTB's `de_json` takes
    what it is given ("text": ["a"], a member update with no new member), which would fail
    later as a 500 and be delivered again for ever; such an update is refused (400)."""
    for message in (update.message, update.edited_message):
        if message is not None and not all(
                value is None or isinstance(value, str) for value in (
                    message.text, message.caption)):
            return False
    if update.callback_query is not None and not (
            update.callback_query.data is None or isinstance(update.callback_query.data, str)):
        return False
    member = update.my_chat_member
    return member is None or (member.new_chat_member is not None and
                              isinstance(getattr(member.new_chat_member, "status", None), str))


class TelegramChannel:
    """Receives updates (polling or webhook) and feeds the engine; owns the sender."""

    def __init__(self, settings: Settings, engine: Handler, content: ContentLibrary,
                 referrals: ReferralCodes | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.content = content.for_language(None)
        self.referrals = referrals or default_codes()
        self.webhook = bool(settings.telegram_webhook_url)
        if self.webhook and not settings.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
        self.application = build_application(settings, polling=not self.webhook)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.sender = TelegramSender(self.application, content)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._commands_task: asyncio.Task[None] | None = None
        self._connect_task: asyncio.Task[None] | None = None
        # Photos, stickers, voice notes...: a kind word back instead of a puzzled one.
        self.wordless = WordlessReplies(engine)
        # A burst of updates waits here, not in front of other channels' messages
        # (bot/channels/admission.py); python-telegram-bot hands over up to
        # MAX_CONCURRENT_UPDATES at once.
        self.admission = Admission()
        # Volunteer-moderated groups (bot/groups/moderation.py), when wired in by the app.
        self.groups: GroupHandler | None = None

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect to the Bot API (getMe), then take updates (setWebhook, or polling).

        Telegram being unreachable at start-up (a network fault, a 5xx, a 429) never stops
        the service: SMS and the web keep working, the fault is logged, and connecting is
        tried again in the background until it succeeds. A wrong token or a webhook URL
        Telegram refuses is a mistake in the set-up, and stops start-up with its reason."""
        try:
            await self._connect()
        except TelegramError as error:
            if not _passing(error):
                raise
            log.warning("telegram: could not connect at start-up (%s: %s); the service "
                        "starts without it and keeps trying", type(error).__name__, error)
            self._connect_task = asyncio.create_task(self._keep_trying(
                "connecting", self._connect), name="telegram-connect")
        # The command lists are a nicety: start-up never waits for them or fails with them
        # (a 5xx, the network, a Bot API server without setMyCommands). Tried in the
        # background until they are set.
        self._commands_task = asyncio.create_task(self._keep_trying(
            "setMyCommands", self.register_commands), name="telegram-commands")

    async def _connect(self) -> None:
        """Each step once: safe to call again after a fault part-way through."""
        await self.application.initialize()  # getMe: checks the token
        if not self.application.running:
            await self.application.start()
        if self.webhook:
            await self.application.bot.set_webhook(
                url=self.settings.telegram_webhook_url or "",
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES)
            log.info("telegram: webhook registered")
        else:
            assert self.application.updater is not None
            if not self.application.updater.running:
                await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            log.info("telegram: polling")

    async def _keep_trying(self, what: str, call: Callable[[], Awaitable[None]]) -> None:
        wait = COMMANDS_FIRST_WAIT
        while True:
            try:
                await call()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # logged and tried again: never fatal
                log.warning("telegram: %s failed (%s: %s); trying again in %.0f s", what,
                            type(error).__name__, error, wait)
            else:
                return
            await asyncio.sleep(wait)
            wait = min(COMMANDS_MAX_WAIT, wait * 2)

    async def register_commands(self) -> None:
        """The command lists Telegram shows: residents' in private chats; in groups (when
        group moderation is on) the group commands, and helpers' own for group admins."""
        lists: list[tuple[str, Any]] = [("commands", None)]
        if self.groups is not None:
            lists += [("group_commands", BotCommandScopeAllGroupChats()),
                      ("group_admin_commands", BotCommandScopeAllChatAdministrators())]
        for key, scope in lists:
            names = COMMANDS if scope is None else self.content.keys_under(f"telegram.{key}")
            await self.application.bot.set_my_commands(
                [BotCommand(name, self.content.text(f"telegram.{key}.{name}")) for name in names],
                scope=scope)
        log.info("telegram: command lists set")

    async def stop(self) -> None:
        for task in (self._connect_task, self._commands_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._connect_task = self._commands_task = None
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[TelegramChannel]:
        await self.start()
        try:
            yield self
        finally:
            await self.stop()

    # -- webhook --------------------------------------------------------------------------
    @property
    def webhook_path(self) -> str:
        path = urlparse(self.settings.telegram_webhook_url or "").path
        return path or DEFAULT_WEBHOOK_PATH

    def routes(self) -> list[Route]:
        return [Route(self.webhook_path, self._webhook, methods=["POST"])] if self.webhook else []

    async def _webhook(self, request: Request) -> Response:
        expected = self.settings.telegram_webhook_secret or ""
        given = request.headers.get(SECRET_HEADER, "")
        # Checked before anything is parsed or stored.
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            return Response(status_code=403)
        data: object = None
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) \
                else None
        except Exception:
            update = None
        update_id = data.get("update_id") if isinstance(data, dict) else None
        # Telegram's identifiers fit in 52 bits (Bot API: "at most 52 significant bits").
        if update is None or not isinstance(update_id, int) or isinstance(update_id, bool) \
                or not 0 <= update_id < 2 ** 52 or not well_formed(update):
            return Response(status_code=400)
        # Handled before answering: if storing fails, a 500 makes Telegram deliver it again,
        # and the update id makes sure it is processed once.
        await self.handle(update)
        return Response(status_code=200)

    # -- updates --------------------------------------------------------------------------
    async def _on_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            try:
                await self.handle(update)
            except Exception:
                log.exception("telegram update %s could not be handled", update.update_id)

    async def handle(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if chat.type != ChatType.PRIVATE:
            # Resident conversations are private; in groups only group moderation speaks.
            if self.groups is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
                async with self.admission.admitted():
                    await self.groups.handle(update)
            return
        address = Address(CHANNEL, str(chat.id))
        async with self._lock_for(address.address), self.admission.admitted():
            await self._private(update, address)

    async def _private(self, update: Update, address: Address) -> None:
        """A private chat's update, with its chat's lock and a place in the engine."""
        if self.groups is not None and await self.groups.handle_private(update):
            return  # joining a group (rules, invite link) is Telegram's own business
        external_id = f"u{update.update_id}"
        if update.my_chat_member is not None:
            blocked = update.my_chat_member.new_chat_member.status in (
                ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
            await self.engine.set_reachable(address, reachable=not blocked)
        elif update.callback_query is not None:
            await self._callback(update, address, external_id)
        elif update.message is not None:
            read = read_message(update.message)
            if read.service:
                return  # a pin, a timer, a shared chat...: nobody said anything
            if read.wordless is not None:
                await self._wordless(address, read.wordless, external_id)
                return
            relayed = await self.wordless.last_relay(address) \
                if read.left_out is not None else 0
            event, referral = self._event_from(read.text)
            await self.engine.handle(address, event, external_id=external_id,
                                     referral=referral)
            if read.left_out is not None:
                await self.wordless.left_out(address, external_id, relayed, read.album)
        elif update.edited_message is not None:
            edit = read_edit(update.edited_message)
            if edit.text and screen_for(self.content).assess(edit.text).findings:
                # Words changed into an emergency or a crisis ("actually I want to end
                # it tonight"): handled as a message, so the urgent reply and the alert
                # go at once (hazard log H6).
                await self.engine.handle(address, Inbound.from_text(edit.text),
                                         external_id=external_id)
            elif edit.wordless is not None:
                await self._wordless(address, edit.wordless, external_id)

    async def _wordless(self, address: Address, message: Wordless, external_id: str) -> None:
        """A photo, sticker, voice note, contact card or location: see bot/channels/wordless."""
        event = await self.wordless.route(address, message, external_id)
        if event is not None:
            await self.engine.handle(address, event, external_id=external_id)

    @contextlib.asynccontextmanager
    async def _lock_for(self, chat: str) -> AsyncIterator[None]:
        lock = self._locks[chat]
        async with lock:
            yield
        if not lock.locked() and self._locks.get(chat) is lock:
            del self._locks[chat]

    def _event_from(self, text: str) -> tuple[Inbound, str | None]:
        """Words (typed, or a caption) as a typed message, with a /start code's referral."""
        referral = None
        if text.startswith("/start"):
            _, _, argument = text.partition(" ")
            found = self.referrals.resolve(argument)
            referral = found.code if found else None
        return Inbound.from_text(text), referral

    async def _callback(self, update: Update, address: Address, external_id: str) -> None:
        query = update.callback_query
        assert query is not None
        with contextlib.suppress(TelegramError):
            await query.answer()  # every press is acknowledged, or the button keeps spinning
        callback = keyboards.decode(query.data)
        message = query.message if isinstance(query.message, Message) else None
        markup = message.reply_markup if message is not None else None
        if callback is None:
            # Not ours (forged, or from an old version): show where we are now.
            stale = Inbound(EventKind.CHOICE, choice=None, payload={"ref_token": "-"})
            await self.engine.handle(address, stale, external_id=external_id)
            return
        if callback.action == "t":
            if message is None or markup is None:
                return
            if await self.engine.claim_inbound(CHANNEL, external_id):
                try:
                    await message.edit_reply_markup(
                        keyboards.toggled(markup, callback.option_id))
                except TelegramError as error:
                    # The tick lives in the keyboard: not shown, it was not made. They
                    # see no tick and can press again; nothing else is lost.
                    _edit_failed("tick a box", error)
            return
        if callback.action == "c":
            label = keyboards.label_of(markup, query.data or "") or ""
            choice = callback.option_id
        else:
            picked = keyboards.ticked(markup)
            label = ", ".join(text for _, text in picked)
            choice = ",".join(option_id for option_id, _ in picked)
        if message is not None:
            await self._settle(message, label)
        event = Inbound(EventKind.CHOICE, choice=choice, payload={"ref_token": callback.token})
        await self.engine.handle(address, event, external_id=external_id)

    async def _settle(self, message: Message, label: str) -> None:
        """Take the keyboard away and show what was chosen, so old buttons can't be pressed.

        Cosmetic: whatever Telegram answers (flood control, a 5xx after every retry, the
        message too old to edit, the bot blocked), the press itself is handled after it."""
        text = message.text or ""
        if label:
            text = f"{text}\n\n{keyboards.TICK}{label}"
        try:
            await message.edit_text(text[:MessageLimit.MAX_TEXT_LENGTH])
        except TelegramError as error:
            _edit_failed("show the choice", error)


def _edit_failed(what: str, error: TelegramError) -> None:
    """Logged by kind only: never the message, the choice or who pressed."""
    if isinstance(error, BadRequest):
        # "message is not modified", "message can't be edited": an old or repeated press.
        log.info("telegram: could not %s on a pressed message (%s); the press is handled "
                 "anyway", what, type(error).__name__)
    else:
        log.warning("telegram: could not %s on a pressed message (%s); the press is "
                    "handled anyway", what, type(error).__name__)
