"""Onboarding, "what movement suits you": a resident's first conversation.

Diagram: onboarding.mmd beside this file. Every question can be skipped and changed
later; nothing is inferred from a condition; we never ask for a goal or a target.
"""

from __future__ import annotations

from typing import Any

from bot.core.answers import AnswerKind
from bot.core.events import Inbound, Outbound
from bot.core.turn import (
    IDLE,
    Context,
    EraseEverything,
    FlowState,
    Profile,
    RecordImpact,
    StartFlow,
    Turn,
)
from conversations import asking
from conversations.answers import read_answer
from conversations.readback import summary_lines

NAME = "onboarding"
ORDER = (
    "consent_health",
    "consent_encouragement",
    "name",
    "activities",
    "helps",
    "access",
    "cost",
    "days",
    "times",
    "frequency",
    "with_whom",
    "where",
    "district",
    "what_matters",
    "health",
)
SUMMARY_ORDER = (
    "name", "activities", "helps", "access", "cost", "days", "times", "frequency", "with_whom",
    "where", "district", "what_matters", "consent_health", "health",
)


def _choose(ctx: Context, options: str, event: Inbound, exact_for: tuple[str, ...] = ()
            ) -> str | None:
    """The option id picked for a simple single-choice step, or None if unclear."""
    answer = read_answer(ctx, ctx.choices(options), event, exact_for=exact_for)
    return answer.ids[0] if answer.kind is AnswerKind.CHOSEN else None


class Onboarding:
    name = NAME
    resumable = True
    holds_focus = False

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        if _past_privacy(profile):
            # They agreed and answered some before (a peer chat began part way through):
            # carry on from the first question not yet answered, not from the welcome.
            for question_id in ORDER:
                if asking.question(question_id).applies(profile) and \
                        not _answered(profile, question_id):
                    prompt = asking.ask(ctx, profile, question_id,
                                        prefix=ctx.t("onboarding.carry_on"))
                    return Turn([prompt], FlowState(NAME, question_id), profile)
            return Turn(self._summary_messages(ctx, profile), FlowState(NAME, "summary"),
                        profile)
        say = [ctx.say("onboarding.welcome"), self.privacy_prompt(ctx)]
        return Turn(say, FlowState(NAME, "privacy"), profile)

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step == "privacy":
            return self._privacy(ctx, state, profile, event)
        if state.step == "summary":
            return self._summary(ctx, state, profile, event)
        if state.step in ORDER:
            return self._answer(ctx, state, profile, event)
        # A step this version does not know (content or code changed): pick up at the
        # first question still unanswered rather than failing.
        return self._next(ctx, profile, after=None, say=[])

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if state.step == "privacy":
            return [self.privacy_prompt(ctx)]
        if state.step == "summary":
            return self._summary_messages(ctx, profile)
        if state.step in ORDER:
            return [asking.ask(ctx, profile, state.step)]
        return []

    # -- steps ---------------------------------------------------------------------------
    def privacy_prompt(self, ctx: Context, *, unclear: bool = False) -> Outbound:
        text = ctx.t("onboarding.privacy_unclear") if unclear else ctx.t("onboarding.privacy")
        return ctx.ask(text, ctx.choices("privacy"))

    def _privacy(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        # Agreeing is consent to keep their answers, and declining keeps nothing and ends
        # the conversation: both must be said plainly.
        picked = _choose(ctx, "privacy", event, exact_for=("ok", "not_now"))
        if picked == "ok":
            first = self._first_question(profile)
            prompt = asking.ask(ctx, profile, first, prefix=ctx.t("onboarding.skip_note"))
            return Turn([prompt], state.at(first), profile)
        if picked == "more":
            more = ctx.choices("privacy", only=["ok", "not_now"])
            return Turn([ctx.ask(ctx.t("onboarding.privacy_more"), more)], state, profile)
        if picked == "not_now":
            # Nothing is kept without agreement: the person record itself goes.
            return Turn([ctx.say("onboarding.privacy_declined")], IDLE, profile,
                        effects=[EraseEverything()])
        return Turn([self.privacy_prompt(ctx, unclear=True)], state, profile)

    def _answer(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        step = state.step or ORDER[0]
        reading = asking.read(ctx, profile, step, event)
        if not reading.ok:
            return Turn([asking.reask(ctx, profile, step, reading)], state, profile)
        say = asking.notes(ctx, reading)
        if reading.skipped:
            say.append(ctx.say("common.skipped"))
        return self._next(ctx, reading.profile or profile, after=step, say=say)

    def _next(self, ctx: Context, profile: Profile, after: str | None,
              say: list[Outbound]) -> Turn:
        upcoming = ORDER[ORDER.index(after) + 1:] if after else ORDER
        for question_id in upcoming:
            if asking.question(question_id).applies(profile):
                prompt = asking.ask(ctx, profile, question_id)
                return Turn([*_merge_notes(say, prompt)], FlowState(NAME, question_id), profile)
        return Turn([*say, *self._summary_messages(ctx, profile)], FlowState(NAME, "summary"),
                    profile)

    def _first_question(self, profile: Profile) -> str:
        return next(q for q in ORDER if asking.question(q).applies(profile))

    def _summary_messages(self, ctx: Context, profile: Profile) -> list[Outbound]:
        intro = ctx.t("onboarding.summary_intro", name=profile.name) if profile.name else \
            ctx.t("onboarding.summary_intro_no_name")
        lines = summary_lines(ctx, profile, [q for q in SUMMARY_ORDER
                                             if q != "frequency" or profile.consent_encouragement
                                             is not None])
        confirm = ctx.ask(ctx.t("onboarding.summary_confirm"), ctx.choices("summary"))
        return [Outbound("\n".join([intro, *lines])), confirm]

    def _summary(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        picked = _choose(ctx, "summary", event)
        if picked == "confirm":
            done = ctx.t("onboarding.done", name=profile.name) if profile.name else \
                ctx.t("onboarding.done_no_name")
            finished = profile if profile.onboarded_at else profile.changed(onboarded_at=ctx.now())
            effects = [] if profile.onboarded_at else [RecordImpact("onboarded")]
            # First time through: offer ideas straight away (a place to start).
            offer = None if profile.onboarded_at else StartFlow("suggest_offer")
            return Turn([Outbound(done), ctx.say("onboarding.safe_to_move")], IDLE, finished,
                        effects=effects, start=offer)
        if picked == "change":
            return Turn([], IDLE, profile, start=StartFlow("settings", resume=state))
        confirm = ctx.ask(f"{ctx.t('common.unclear')} {ctx.t('onboarding.summary_confirm')}",
                          ctx.choices("summary"))
        return Turn([confirm], state, profile)


def _past_privacy(profile: Profile) -> bool:
    """Whether they agreed to the privacy notice before: nothing is kept without it."""
    return profile.consent_health is not None or profile.consent_encouragement is not None \
        or profile.name is not None or bool(profile.answers)


def _answered(profile: Profile, question_id: str) -> bool:
    fields = {"consent_health": profile.consent_health,
              "consent_encouragement": profile.consent_encouragement,
              "name": profile.name, "district": profile.district,
              "health": profile.health_notes}
    if question_id in fields:
        return fields[question_id] is not None
    return profile.answer(question_id) is not None


def _merge_notes(notes: list[Outbound], prompt: Outbound) -> list[Outbound]:
    """Short acknowledgements ride in front of the next question: one text, not two."""
    if not notes or any(n.options for n in notes):
        return [*notes, prompt]
    lead = " ".join(n.text for n in notes)
    merged = Outbound(
        text=f"{lead} {prompt.text}", options=prompt.options, multi=prompt.multi,
        ask_location=prompt.ask_location, reply_hint=prompt.reply_hint, chosen=prompt.chosen,
    )
    return [merged]


CONVERSATION = Onboarding()
