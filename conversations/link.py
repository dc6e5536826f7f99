"""One person on two channels. On Telegram, LINK MY PHONE asks for a UK mobile number, we
text it a 6-digit code, and the code typed here joins the phone to them; then they choose
where friendly messages go. (From SMS, LINK TELEGRAM texts a one-time t.me link: the
engine does that, with no questions.) Diagram: link.mmd beside this file."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

import phonenumbers

from bot.core.answers import AnswerKind
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.textnorm import clean, tokens
from bot.core.turn import IDLE, Context, FlowState, LinkAction, Profile, Turn
from conversations.answers import read_answer

NAME = "link"
OPEN_FOR_MINUTES = 30
_CODE = re.compile(r"^\D*(\d[\d\s-]{4,10}\d)\D*$")
# Ofcom's mobile ranges: 071-075, 07624 and 077-079. Not 070 (personal numbers, which can
# cost the texter) or 076 (pagers).
_MOBILE = re.compile(r"^7(?:[1-57-9]|624)")


def uk_mobile(text: str) -> str | None:
    """The number in E.164 (+447...) if `text` is, or holds, one UK mobile number, else
    None ("07700 900123", "+44 7700 900123", "it's 07700900123 please")."""
    found = [m.number for m in phonenumbers.PhoneNumberMatcher(
        clean(text), "GB", leniency=phonenumbers.Leniency.POSSIBLE)]
    if len(found) != 1:
        return None
    parsed = found[0]
    # UK mobiles are 07 and nine more digits. Checked by shape, not by phonenumbers'
    # allocation tables, so Ofcom's drama range (07700 900xxx) works for testing too.
    national = str(parsed.national_number)
    if parsed.country_code != 44 or len(national) != 10 or not _MOBILE.match(national) \
            or not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def typed_code(text: str) -> str | None:
    """Six digits, however spaced ("123 456", "123-456", "code: 123456")."""
    found = _CODE.match(clean(text))
    if not found:
        return None
    # Any script's digits ("１２３４５６", "١٢٣٤٥٦") as the ASCII ones the code was made of.
    digits = "".join(str(unicodedata.digit(c)) for c in found.group(1) if c.isdigit())
    return digits if len(digits) == 6 else None


class Link:
    name = NAME
    resumable = False  # a code goes stale: nothing to come back to
    holds_focus = True  # a number or a code typed here is never passed to a peer

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        state = FlowState(NAME, "number", {"until": _until(ctx)})
        return Turn([ctx.say("link.ask_number")], state, profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if state.step == "code":
            return [ctx.say("link.not_a_code")]
        if state.step == "reach_by":
            return [self.reach_prompt(ctx)]
        return [ctx.say("link.ask_number")]

    def reach_prompt(self, ctx: Context, prefix: str = "") -> Outbound:
        return ctx.ask(f"{prefix} {ctx.t('link.reach_by')}".strip(), ctx.choices("reach_by"))

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step == "reach_by":
            return self._reach_by(ctx, state, profile, event)
        text = event.text if event.kind is EventKind.TEXT else ""
        if _cancelled(ctx, text):
            return Turn([ctx.say("link.cancelled")], IDLE, profile)
        if state.step == "code":
            code = typed_code(text)
            if code is None:
                return Turn([ctx.say("link.not_a_code")], state, profile)
            return Turn([], state, profile, effects=[LinkAction("check_code", {"code": code})])
        number = uk_mobile(text)
        if number is None:
            return Turn([ctx.say("link.bad_number")], state, profile)
        return Turn([], state.at("code", until=_until(ctx)), profile,
                    effects=[LinkAction("sms_code", {"number": number})])

    def _reach_by(self, ctx: Context, state: FlowState, profile: Profile,
                  event: Inbound) -> Turn:
        choices = ctx.choices("reach_by")
        answer = read_answer(ctx, choices, event)
        if answer.kind is AnswerKind.SKIP:
            return Turn([], IDLE, profile)
        if not answer.chosen:
            return Turn([self.reach_prompt(ctx, ctx.t("common.unclear"))], state, profile)
        picked = answer.ids[0]
        return Turn([ctx.say("link.reach_by_set", answer=ctx.t(f"link.reach_names.{picked}"))],
                    IDLE,
                    profile.with_answer("reach_by", picked))


def _until(ctx: Context) -> str:
    """Linking lapses after half an hour: a code is good for ten minutes anyway."""
    return (ctx.now() + timedelta(minutes=OPEN_FOR_MINUTES)).isoformat()


def _cancelled(ctx: Context, text: str) -> bool:
    said = " ".join(tokens(text))
    return said in {" ".join(tokens(w)) for w in ctx.content.words("link.cancel_words")} or \
        ctx.vocabulary.is_skip(text)


CONVERSATION = Link()
