"""Suggestions: one to three real local options at a time, each with why it might suit,
then "tell me more", "I'd like to go", "not for me" (remembered for good) and "more".
Never a dead end: when nothing fits we say so and offer what else we can do.
Diagram: suggest.mmd beside this file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.engine.events import EventKind, Inbound, Outbound
from bot.engine.matching import AnswerKind, Choice, match_answer, match_choice_id
from bot.engine.session import (
    IDLE,
    Context,
    FlowState,
    Profile,
    RecordImpact,
    ScheduleReminder,
    StartFlow,
    Turn,
)
from bot.places import explain
from bot.places.matching import Needs, Suggestion

NAME = "suggest"
PAGE = 3
FOLLOW_UP_AFTER = timedelta(days=3)
OPEN_FOR = timedelta(days=1)
COST = {"free": "free", "low": "low"}


def needs_for(profile: Profile, *, anything: bool = False) -> Needs:
    """What the person told us, as hard limits and preferences. Nothing from health."""
    answers = profile.answers
    access = answers.get("access")
    return Needs.from_answers(
        answers, profile.district, profile.latitude, profile.longitude,
        not_for_me=answers.get("not_for_me") or (),
        access=access if isinstance(access, list) else None,
        max_cost=COST.get(str(answers.get("cost"))), anything=anything)


def _read(ctx: Context, choices: list[Choice], event: Inbound) -> tuple[str | None, bool]:
    """(chosen id or None, skipped)."""
    if event.kind is EventKind.CHOICE:
        answer = match_choice_id(event.choice, choices)
    elif event.kind is EventKind.TEXT:
        answer = match_answer(event.text, choices, ctx.vocabulary)
    else:
        return None, False
    if answer.kind is AnswerKind.SKIP:
        return None, True
    return (answer.ids[0] if answer.chosen else None), False


class Suggest:
    name = NAME

    # -- starting ----------------------------------------------------------------------
    def start(self, ctx: Context, profile: Profile, one: bool = False, anything: bool = False,
              **_options: Any) -> Turn:
        needs = needs_for(profile, anything=anything)
        found = self._ranked(ctx, needs, shown=[])
        if not found:
            if one:
                return Turn([], IDLE, profile)  # a scheduled idea with none to give: stay quiet
            return self._nothing_fits(ctx, profile, ctx.t("suggest.none"), anything)
        size = 1 if one else PAGE
        return self._show(ctx, profile, found[:size], shown=[], anything=anything, one=one)

    def _ranked(self, ctx: Context, needs: Needs, shown: list[str]) -> list[Suggestion]:
        if ctx.places is None:
            return []
        return [s for s in ctx.places.rank(needs) if s.id not in shown]

    def _show(self, ctx: Context, profile: Profile, batch: list[Suggestion], shown: list[str],
              anything: bool, one: bool = False) -> Turn:
        needs = needs_for(profile, anything=anything)
        say = [ctx.say("suggest.flow.intro_one" if len(batch) == 1 else "suggest.flow.intro")]
        for number, suggestion in enumerate(batch, 1):
            parts = [ctx.t("suggest.flow.item", number=number, name=suggestion.opportunity.name,
                           why=explain.why(ctx.content, suggestion, needs))]
            check = explain.check_first(ctx.content, suggestion)
            if check:
                parts.append(check)
            say.append(Outbound(" ".join(parts)))
        ids = [s.id for s in batch]
        data = {"batch": ids, "shown": [*shown, *ids], "anything": anything,
                "until": (ctx.now() + OPEN_FOR).isoformat()}
        state = FlowState(NAME, "list", data)
        say.append(self._list_prompt(ctx, batch, one=len(batch) == 1))
        return Turn(say, state, profile)

    def _list_prompt(self, ctx: Context, batch: list[Suggestion], one: bool,
                     prefix: str = "") -> Outbound:
        choices = [Choice(s.id, s.opportunity.name) for s in batch]
        choices += ctx.choices("suggest_more")
        text = ctx.t("suggest.flow.pick_one" if one else "suggest.flow.pick")
        return ctx.ask(f"{prefix} {text}".strip(), choices)

    def _nothing_fits(self, ctx: Context, profile: Profile, lead: str,
                      anything: bool = False) -> Turn:
        prompt = ctx.ask(ctx.t("suggest.flow.alternatives"), self._alternatives(ctx, anything))
        data = {"until": (ctx.now() + OPEN_FOR).isoformat(), "anything": anything}
        return Turn([Outbound(lead), prompt], FlowState(NAME, "nothing", data), profile)

    def _alternatives(self, ctx: Context, anything: bool) -> list[Choice]:
        """Moving at home, a peer supporter, anything nearby (unless that was the search
        already), or another time: never a dead end."""
        return [c for c in ctx.choices("nothing_fits") if not (anything and c.id == "anything")]

    # -- answers -------------------------------------------------------------------------
    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if state.step == "one":
            item = self._item(ctx, state)
            return [self.one_prompt(ctx, item.name)] if item else []
        if state.step == "nothing":
            return [ctx.ask(ctx.t("suggest.flow.alternatives"),
                            self._alternatives(ctx, bool(state.data.get("anything"))))]
        return [self._list_prompt(ctx, self._batch(ctx, profile, state),
                                  one=len(state.data.get("batch", [])) == 1)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step == "one":
            return self._about_one(ctx, state, profile, event)
        if state.step == "nothing":
            return self._after_nothing(ctx, state, profile, event)
        return self._from_list(ctx, state, profile, event)

    def _batch(self, ctx: Context, profile: Profile, state: FlowState) -> list[Suggestion]:
        needs = needs_for(profile, anything=bool(state.data.get("anything")))
        by_id = {s.id: s for s in self._ranked(ctx, needs, shown=[])
                 if s.id in state.data.get("batch", [])}
        return [by_id[i] for i in state.data.get("batch", []) if i in by_id]

    def _from_list(self, ctx: Context, state: FlowState, profile: Profile,
                   event: Inbound) -> Turn:
        batch = self._batch(ctx, profile, state)
        choices = [Choice(s.id, s.opportunity.name) for s in batch] + \
            ctx.choices("suggest_more")
        picked, skipped = _read(ctx, choices, event)
        if skipped or picked == "done":
            return Turn([ctx.say("suggest.flow.later")], IDLE, profile)
        if picked == "more":
            return self._more(ctx, state, profile)
        if picked is None:
            prompt = self._list_prompt(ctx, batch, one=len(batch) == 1,
                                       prefix=ctx.t("common.unclear"))
            return Turn([prompt], state, profile)
        item = ctx.places.get(picked) if ctx.places else None
        if item is None:
            return Turn([ctx.say("suggest.no_more")], IDLE, profile)
        return Turn([self.one_prompt(ctx, item.name)], state.at("one", chosen=picked), profile)

    def _more(self, ctx: Context, state: FlowState, profile: Profile) -> Turn:
        anything = bool(state.data.get("anything"))
        shown = list(state.data.get("shown", []))
        rest = self._ranked(ctx, needs_for(profile, anything=anything), shown)
        if not rest:
            return self._nothing_fits(ctx, profile, ctx.t("suggest.no_more"), anything)
        return self._show(ctx, profile, rest[:PAGE], shown=shown, anything=anything)

    def _item(self, ctx: Context, state: FlowState):  # type: ignore[no-untyped-def]
        chosen = state.data.get("chosen")
        return ctx.places.get(chosen) if ctx.places and chosen else None

    def one_prompt(self, ctx: Context, name: str, prefix: str = "") -> Outbound:
        text = ctx.t("suggest.flow.what_next", name=name)
        return ctx.ask(f"{prefix} {text}".strip(), ctx.choices("suggestion"))

    def _about_one(self, ctx: Context, state: FlowState, profile: Profile,
                   event: Inbound) -> Turn:
        item = self._item(ctx, state)
        if item is None:
            return Turn([ctx.say("suggest.no_more")], IDLE, profile)
        picked, skipped = _read(ctx, ctx.choices("suggestion"), event)
        needs = needs_for(profile, anything=bool(state.data.get("anything")))
        miles = ctx.places.miles(needs, item.id) if ctx.places else None
        if picked == "more_info":
            parts = explain.describe_parts(ctx.content, item, miles=miles, needs=needs)
            say = [Outbound(text) for text in explain.messages(parts)]
            return Turn([*say, self.one_prompt(ctx, item.name)], state, profile)
        if picked == "go":
            parts = explain.how_to_go_parts(ctx.content, item, miles=miles, needs=needs)
            say = [Outbound(text) for text in explain.messages(parts)]
            say.append(ctx.say("suggest.flow.going"))
            effects = [RecordImpact("going", item.id[:64]),
                       ScheduleReminder("followup", ctx.now() + FOLLOW_UP_AFTER,
                                        {"opportunity": item.id})]
            return Turn(say, IDLE, profile, effects=effects)
        if picked == "not_for_me":
            never = [*(profile.answer("not_for_me") or []), item.id]
            updated = profile.with_answer("not_for_me", never)
            rest = state.at("list", chosen=None)
            turn = self._more(ctx, rest, updated)
            turn.say.insert(0, ctx.say("suggest.flow.not_for_me"))
            return turn
        if picked == "buddy":
            return Turn([], IDLE, profile, start=StartFlow("buddy", resume=None))
        if picked == "back" or skipped:
            batch = self._batch(ctx, profile, state)
            if not batch:
                return self._more(ctx, state, profile)
            prompt = self._list_prompt(ctx, batch, one=len(batch) == 1)
            return Turn([prompt], state.at("list", chosen=None), profile)
        return Turn([self.one_prompt(ctx, item.name, ctx.t("common.unclear"))], state, profile)

    def _after_nothing(self, ctx: Context, state: FlowState, profile: Profile,
                       event: Inbound) -> Turn:
        anything = bool(state.data.get("anything"))
        picked, skipped = _read(ctx, self._alternatives(ctx, anything), event)
        if picked == "home":
            return Turn([ctx.say("suggest.flow.home_ideas")], IDLE, profile)
        if picked == "buddy":
            return Turn([], IDLE, profile, start=StartFlow("buddy"))
        if picked == "anything":
            return self.start(ctx, profile, anything=True)
        if picked == "later" or skipped:
            return Turn([ctx.say("suggest.flow.later")], IDLE, profile)
        prompt = ctx.ask(f"{ctx.t('common.unclear')} {ctx.t('suggest.flow.alternatives')}",
                         self._alternatives(ctx, anything))
        return Turn([prompt], state, profile)


class Offer:
    """After onboarding: would they like ideas now? Yes starts the suggestions."""

    name = "suggest_offer"
    resumable = False

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.prompt(ctx)], FlowState(self.name, "ask", {"until": until}), profile)

    def prompt(self, ctx: Context, prefix: str = "") -> Outbound:
        text = f"{prefix} {ctx.t('suggest.flow.offer_after_onboarding')}".strip()
        return ctx.ask(text, ctx.choices("offer"))

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.prompt(ctx)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        picked, skipped = _read(ctx, ctx.choices("offer"), event)
        if picked == "yes":
            return Turn([], IDLE, profile, start=StartFlow(NAME))
        if picked == "no" or skipped:
            return Turn([ctx.say("suggest.flow.later")], IDLE, profile)
        return Turn([self.prompt(ctx, ctx.t("common.unclear"))], state, profile)


CONVERSATION = Suggest()
OFFER = Offer()
