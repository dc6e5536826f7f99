"""The check-in: how has moving felt, asked about what matters to them in their own words.
Answers adapt what follows; nothing is ever framed as success or failure.
Diagram: checkin.mmd beside this file.

Replies are read by `checkin_reading` ("not good, my ms has flared up" is harder, "1 and 3"
is mixed). A harder week means gentler, fewer messages and an offer: a week's pause or a
peer supporter. Their own words are kept (for them to see, and for the team) only when
they agreed to us keeping health details."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from bot.core.answers import AnswerKind, Choice
from bot.core.content import Content
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.textnorm import clean
from bot.core.turn import IDLE, Context, FlowState, Profile, RecordImpact, StartFlow, Turn
from conversations import everyday
from conversations.answers import read_answer
from conversations.checkin_reading import Path, ReadingWords, read_checkin

NAME = "checkin"
GENTLE_FOR = timedelta(days=14)
# An unanswered check-in lapses: nobody should be asked the same thing for days.
OPEN_FOR = timedelta(days=2)
HOSPITAL_PAUSE = timedelta(days=14)
WORDS_KEPT_CHARS = 300  # their own words, as kept: enough for a few sentences


@cache
def _reading_words(content: Content) -> ReadingWords:
    return ReadingWords.from_content(content)


class CheckIn:
    name = NAME
    resumable = True
    holds_focus = False

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.prompt(ctx, profile)], FlowState(NAME, "ask", {"until": until}),
                    profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if state.step == "harder_offer":
            return [self.offer_prompt(ctx)]
        return [self.prompt(ctx, profile)]

    def prompt(self, ctx: Context, profile: Profile, prefix: str = "") -> Outbound:
        matters = profile.answer("what_matters")
        text = ctx.t("checkin.ask_with_what_matters", what_matters=matters) if matters \
            else ctx.t("checkin.ask")
        return ctx.ask(f"{prefix} {text}".strip(), ctx.choices("checkin"))

    def offer_prompt(self, ctx: Context, prefix: str = "") -> Outbound:
        return ctx.ask(f"{prefix} {ctx.t('checkin.harder_offer')}".strip(), _offer_choices(ctx))

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step == "harder_offer":
            return self._offer(ctx, state, profile, event)
        choices = ctx.choices("checkin")
        if event.kind is EventKind.TEXT:
            path = read_checkin(event.text, choices, ctx.vocabulary,
                                _reading_words(ctx.content))
        else:
            answer = read_answer(ctx, choices, event)
            path = Path(answer.ids[0]) if answer.chosen else None
        if path is None:
            return Turn([self.prompt(ctx, profile, ctx.t("checkin.unclear"))], state, profile)
        updated = _keep_words(profile, event, path)
        effects: list[Any] = [RecordImpact("checkin", path.value)]
        if path is Path.HARDER:
            updated = updated.changed(gentle_until=ctx.now() + GENTLE_FOR)
            offer = self.offer_prompt(ctx, ctx.t("checkin.harder"))
            return Turn([offer], state.at("harder_offer"), updated, effects=effects)
        if path is Path.HOSPITAL:
            updated = updated.changed(paused_until=ctx.now() + HOSPITAL_PAUSE)
        elif path in (Path.BETTER, Path.SAME) and profile.gentle_until:
            updated = updated.changed(gentle_until=None)
        return Turn([ctx.say(f"checkin.{path.value}")], IDLE, updated, effects=effects)

    def _offer(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        """After a harder week: a week's pause, a peer supporter, or carry on gently."""
        answer = read_answer(ctx, _offer_choices(ctx), event)
        picked = answer.ids[0] if answer.chosen else \
            ("fine" if answer.kind is AnswerKind.SKIP else None)
        if picked == "pause":
            say, updated = everyday.pause_week(ctx, profile)
            return Turn(say, IDLE, updated, effects=[RecordImpact("checkin_offer", "pause")])
        if picked == "buddy":
            return Turn([], IDLE, profile, effects=[RecordImpact("checkin_offer", "buddy")],
                        start=StartFlow("buddy"))
        if picked == "fine":
            return Turn([ctx.say("checkin.carry_on_gently")], IDLE, profile)
        return Turn([self.offer_prompt(ctx, ctx.t("common.unclear"))], state, profile)


def _offer_choices(ctx: Context) -> list[Choice]:
    """The care offer's own options (gentler messages are already on): a pause, a peer
    supporter, or "I'm OK"."""
    return ctx.choices("care", only=["pause", "buddy", "fine"])


def _keep_words(profile: Profile, event: Inbound, path: Path) -> Profile:
    """Their own words, kept only with their agreement to health details (a check-in
    reply often is one); a bare number or button keeps nothing."""
    if not profile.consent_health or event.kind is not EventKind.TEXT:
        return profile
    words = clean(event.text)
    if len(words) < 4 or words.strip(" .!").isdigit():
        return profile
    return profile.with_answer("checkin_words", words[:WORDS_KEPT_CHARS])


CONVERSATION = CheckIn()
