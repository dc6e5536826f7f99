"""Seeing what we hold: `my data`, a report in plain words (not a conversation: nothing
to answer). Deleting it all is delete.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.events import Outbound
from bot.core.safety import CARE_NOTE_KEY
from bot.core.turn import (
    Context,
    PersonRecord,
    Profile,
)
from conversations.readback import summary_lines

DATA_QUESTIONS = [
    "name", "activities", "helps", "access", "cost", "days", "times", "frequency", "with_whom",
    "where", "district", "what_matters", "consent_health", "quiet",
]


def my_data(ctx: Context, profile: Profile, record: PersonRecord) -> list[Outbound]:
    """Everything stored about a person, in plain words."""
    lines = [ctx.t("privacy.my_data_intro")]
    if record.created_at is not None:
        lines.append(ctx.t("privacy.joined", date=_date(record.created_at)))
    for channel, last_digits, opted_out in record.identities:
        reach = ctx.t(f"privacy.channels.{channel}")
        if last_digits:
            reach = ctx.t("privacy.number_ending", channel=reach, digits=last_digits)
        lines.append(ctx.t("privacy.reach",
                           channel=ctx.t("privacy.opted_out", channel=reach) if opted_out
                           else reach))
    lines.extend(summary_lines(ctx, profile, DATA_QUESTIONS))
    if profile.answer("checkin_words"):
        lines.append(ctx.t("privacy.checkin_words", answer=profile.answer("checkin_words")))
    care_note = _moment(profile.answer(CARE_NOTE_KEY))
    if care_note is not None:
        lines.append(ctx.t("privacy.care_note", date=_date(care_note)))
    if profile.health_notes:
        lines.append(ctx.t("privacy.health_kept", answer=profile.health_notes))
    else:
        lines.append(ctx.t("privacy.no_health"))
    if profile.referral_source:
        lines.append(ctx.t("privacy.referral", answer=profile.referral_source))
    lines.extend(_ideas_and_peers(ctx, profile, record))
    lines.append(ctx.t("privacy.messages_sent", count=record.messages_stored))
    return [Outbound("\n".join(lines)), ctx.say("privacy.my_data_end")]


def _ideas_and_peers(ctx: Context, profile: Profile, record: PersonRecord) -> list[str]:
    lines = []
    never = [str(i) for i in profile.answer("not_for_me") or []]
    if never:
        names = [(ctx.places.get(i).name if ctx.places and ctx.places.get(i) else i)
                 for i in never]
        lines.append(ctx.t("privacy.not_for_me", answer=", ".join(names)))
    if record.follow_ups:
        lines.append(ctx.t("privacy.follow_ups", count=record.follow_ups))
    if record.safety_alerts:
        lines.append(ctx.t("privacy.safety_alerts", count=record.safety_alerts))
    if record.team_requests:
        lines.append(ctx.t("privacy.team_requests", count=record.team_requests))
    if record.volunteer_role:
        lines.append(ctx.t("privacy.volunteer", name=record.volunteer_alias or profile.name or "",
                           role=ctx.t(f"peers.volunteer.roles.{record.volunteer_role}")))
    if record.volunteer_experience:
        key = f"options.experience.{record.volunteer_experience}.label"
        lines.append(ctx.t("privacy.volunteer_experience",
                           answer=ctx.t(key) if ctx.content.has(key)
                           else record.volunteer_experience))
    if record.peer_chats:
        lines.append(ctx.t("privacy.peer_chats", count=record.peer_chats))
    if record.waiting_for_supporter:
        lines.append(ctx.t("privacy.waiting"))
    if record.groups:
        lines.append(ctx.t("privacy.groups", count=record.groups))
    return lines


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _date(moment: Any) -> str:
    return f"{moment.day} {moment:%B %Y}"
