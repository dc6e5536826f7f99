"""Small things a person can ask for at any time: help, pause and resume messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.events import Outbound
from bot.core.london import end_of_local_day
from bot.core.turn import Context, Profile

# "Paused until further notice" is stored as a date far in the future, so one column
# answers "is this person paused now?" for both open-ended and dated pauses.
PAUSED_INDEFINITELY = datetime(9999, 1, 1, tzinfo=UTC)


def help_messages(ctx: Context) -> list[Outbound]:
    parts = [ctx.t("help.about"), ctx.t("help.commands")]
    if ctx.channel == "sms":
        parts.append(ctx.t("help.sms_stop"))
    elif ctx.channel == "telegram":
        parts.append(ctx.t("help.telegram_commands"))
    return [Outbound(" ".join(parts)), ctx.say("help.urgent")]


def is_paused(ctx: Context, profile: Profile) -> bool:
    return profile.paused_until is not None and profile.paused_until > ctx.now()


def pause(ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]:
    if not profile.consent_encouragement:
        return [ctx.say("optout.not_signed_up")], profile
    if is_paused(ctx, profile):
        return [ctx.say("optout.already_paused")], profile
    return [ctx.say("optout.paused")], profile.changed(paused_until=PAUSED_INDEFINITELY)


def not_today(ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]:
    if not profile.consent_encouragement:
        return [ctx.say("optout.not_signed_up")], profile
    tomorrow = end_of_local_day(ctx.now())
    until = max(profile.paused_until or tomorrow, tomorrow)
    return [ctx.say("optout.not_today")], profile.changed(paused_until=until)


def pause_week(ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]:
    if not profile.consent_encouragement:
        return [ctx.say("optout.not_signed_up")], profile
    until = ctx.now() + timedelta(days=7)
    return [ctx.say("optout.paused_week")], profile.changed(
        paused_until=max(profile.paused_until or until, until))


def resume(ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]:
    if not profile.consent_encouragement:
        return [ctx.say("optout.not_signed_up")], profile
    return [ctx.say("optout.resumed")], profile.changed(paused_until=None)
