"""Suggestions: one to three real local options at a time, each with why it might suit,
then "tell me more", "I'd like to go", "not for me" (remembered for good) and "more".
What they told us they need is a hard limit, and unknown is not yes. When no place to go
meets a need, we say which need, honestly, and offer ideas for home or online instead;
when nothing fits at all we say so and offer what else we can do. Never a dead end, and
never a need quietly dropped. Diagram: suggest.mmd beside this file."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.core.answers import Answer, AnswerKind, Choice
from bot.core.events import Inbound, Outbound, ref_token
from bot.core.needs import Needs
from bot.core.turn import (
    IDLE,
    Context,
    FlowState,
    Profile,
    RecordImpact,
    ScheduleReminder,
    StartFlow,
    Turn,
)
from conversations.answers import read_answer
from conversations.questions import QUESTIONS

NAME = "suggest"
PAGE = 3
FOLLOW_UP_AFTER = timedelta(days=3)
# A question about ideas left unanswered lapses within half a day: a scheduled idea (at
# most one a day, in a daytime window) never holds up the next day's check-in or
# follow-up, which are only sent to someone between conversations.
OPEN_FOR = timedelta(hours=12)
COST = {"free": "free", "low": "low"}


def needs_for(profile: Profile, *, anything: bool = False, home: bool = False) -> Needs:
    """What the person told us, as hard limits and preferences. Nothing from health.
    `home`: ideas for home or online only, offered (and said to be) instead of places."""
    answers = profile.answers
    access = answers.get("access")
    needs = Needs.from_answers(
        answers, profile.district, profile.latitude, profile.longitude,
        not_for_me=answers.get("not_for_me") or (),
        access=access if isinstance(access, list) else None,
        max_cost=COST.get(str(answers.get("cost"))), anything=anything)
    return needs.at_home() if home else needs


def sorry(ctx: Context, answer: Answer) -> str:
    """The lead-in for asking again: a number not on the list, or anything else unclear."""
    return ctx.t("common.out_of_range" if answer.out_of_range else "common.unclear")


def _read(ctx: Context, choices: list[Choice], event: Inbound) -> tuple[str | None, bool]:
    """(chosen id or None, skipped)."""
    answer = read_answer(ctx, choices, event)
    if answer.kind is AnswerKind.SKIP:
        return None, True
    return (answer.ids[0] if answer.chosen else None), False


def step_for(name: str, *ids: str) -> str:
    """A step that names what its buttons are about (a page of ideas, one idea), so a
    button pressed on an older keyboard is spotted as old, never applied to another."""
    return f"{name}-{ref_token(','.join(ids))}"


def at_step(step: str | None, name: str) -> bool:
    return step == name or bool(step and step.startswith(f"{name}-"))


def placed(ctx: Context, needs: Needs) -> bool:
    """Whether we know roughly where they are, so "near you" means something."""
    return ctx.places is not None and ctx.places.origin(needs) is not None


def asked_where(profile: Profile) -> bool:
    """They have told us a district or shared a location (even one we can't place)."""
    return profile.district is not None or profile.latitude is not None


class Suggest:
    name = NAME
    resumable = True
    holds_focus = False

    # -- starting ----------------------------------------------------------------------
    def start(self, ctx: Context, profile: Profile, one: bool = False, anything: bool = False,
              ask_where: bool = True, **_options: Any) -> Turn:
        needs = needs_for(profile, anything=anything)
        if one and not placed(ctx, needs):
            # A scheduled idea is a local idea; from anywhere in the county it isn't one.
            return Turn([], IDLE, profile)
        if ask_where and not asked_where(profile):
            data = {"until": self._until(ctx), "anything": anything}
            return Turn([self._where_prompt(ctx)], FlowState(NAME, "where", data), profile)
        return self._search(ctx, profile, one=one, anything=anything)

    def _until(self, ctx: Context) -> str:
        return (ctx.now() + OPEN_FOR).isoformat()

    def _search(self, ctx: Context, profile: Profile, one: bool = False,
                anything: bool = False, lead: list[Outbound] | None = None) -> Turn:
        needs = needs_for(profile, anything=anything)
        found = self._ranked(ctx, needs, shown=[])
        if one:
            if not found:
                return Turn([], IDLE, profile)  # a scheduled idea with none to give: stay quiet
            turn = self._show(ctx, profile, found[:1], shown=[], anything=anything)
        else:
            turn = self._first_page(ctx, profile, needs, found, anything)
        turn.say[:0] = lead or []
        return turn

    def _first_page(self, ctx: Context, profile: Profile, needs: Needs,
                    found: list[Any], anything: bool) -> Turn:
        """What fits. When no place to go meets a need they told us (and they did not ask
        for home or online only), we say which need and offer ideas for home or online
        instead, said to be instead: never a place that doesn't fit."""
        gaps = ctx.places.why_no_places(needs) if ctx.places is not None else ()
        if gaps:
            assert ctx.places is not None  # gaps come from it
            note = f"{ctx.places.shortfall(ctx.content, gaps, needs)} " \
                   f"{ctx.t('suggest.limits.more_soon')}"
            instead = self._ranked(ctx, needs.at_home(), shown=[])
            if not instead:
                return self._nothing_fits(ctx, profile, note, anything)
            return self._show(ctx, profile, instead[:PAGE], shown=[], anything=anything,
                              home=True, note=note)
        if not found:
            return self._nothing_fits(ctx, profile, ctx.t("suggest.none"), anything)
        return self._show(ctx, profile, found[:PAGE], shown=[], anything=anything)

    # -- where they are ------------------------------------------------------------------
    def _where_prompt(self, ctx: Context, prefix: str = "") -> Outbound:
        location = ctx.channel == "telegram"
        key = "suggest.where.ask_with_location" if location else "suggest.where.ask"
        return ctx.ask(f"{prefix} {ctx.t(key)}".strip(), ask_location=location)

    def _where(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        """Their postcode district (or location) for ideas near them; or, skipped, ideas
        from anywhere in the county, said to be so."""
        anything = bool(state.data.get("anything"))
        reading = QUESTIONS["district"].read(ctx, profile, event)
        if reading.skipped:
            return self._search(ctx, profile, anything=anything)
        if reading.profile is None:
            text = ctx.t(reading.retry_key or "questions.district.retry")
            return Turn([ctx.ask(text, ask_location=ctx.channel == "telegram")], state, profile)
        lead = [ctx.say(reading.note_key, **dict(reading.note_params))] \
            if reading.note_key else []
        return self._search(ctx, reading.profile, anything=anything, lead=lead)

    def _ranked(self, ctx: Context, needs: Needs, shown: list[str]) -> list[Any]:
        if ctx.places is None:
            return []
        return [s for s in ctx.places.rank(needs) if s.id not in shown]

    def _show(self, ctx: Context, profile: Profile, batch: list[Any], shown: list[str],
              anything: bool, home: bool = False, note: str | None = None) -> Turn:
        needs = needs_for(profile, anything=anything, home=home)
        if note:  # which need no place meets, then the ideas for home or online instead
            instead = ctx.t("suggest.limits.instead_one" if len(batch) == 1 else
                            "suggest.limits.instead")
            say = [Outbound(f"{note} {instead}")]
        else:
            say = [ctx.say("suggest.flow.intro_one" if len(batch) == 1 else
                           "suggest.flow.intro")]
        # How far things are means nothing for ideas done at home or online.
        county_wide = not placed(ctx, needs) and any(
            not s.opportunity.is_remote for s in batch)
        if county_wide:
            # Said once, not after every idea: we don't know how far anything is from them.
            say.insert(0, ctx.say("suggest.where.county_wide"))
        guide = ctx.places
        assert guide is not None or not batch  # suggestions come from it
        for number, suggestion in enumerate(batch, 1):
            parts = [ctx.t("suggest.flow.item", number=number, name=suggestion.opportunity.name,
                           why=guide.why(ctx.content, suggestion, needs))]
            if county_wide:
                suggestion = replace(suggestion, caveats=tuple(
                    c for c in suggestion.caveats if c != "distance_unknown"))
            check = guide.check_first(ctx.content, suggestion)
            if check:
                parts.append(check)
            say.append(Outbound(" ".join(parts)))
        ids = [s.id for s in batch]
        data = {"batch": ids, "shown": [*shown, *ids], "anything": anything, "home": home,
                "until": self._until(ctx)}
        state = FlowState(NAME, step_for("list", *ids), data)
        say.append(self._list_prompt(ctx, batch, one=len(batch) == 1))
        return Turn(say, state, profile)

    def _list_prompt(self, ctx: Context, batch: list[Any], one: bool,
                     prefix: str = "") -> Outbound:
        choices = [Choice(s.id, s.opportunity.name) for s in batch]
        choices += ctx.choices("suggest_more")
        text = ctx.t("suggest.flow.pick_one" if one else "suggest.flow.pick")
        return ctx.ask(f"{prefix} {text}".strip(), choices)

    def _nothing_fits(self, ctx: Context, profile: Profile, lead: str,
                      anything: bool = False) -> Turn:
        prompt = ctx.ask(ctx.t("suggest.flow.alternatives"), self._alternatives(ctx, anything))
        data = {"until": self._until(ctx), "anything": anything}
        return Turn([Outbound(lead), prompt], FlowState(NAME, "nothing", data), profile)

    def _alternatives(self, ctx: Context, anything: bool) -> list[Choice]:
        """Moving at home, a peer supporter, anything nearby (unless that was the search
        already), or another time: never a dead end."""
        return [c for c in ctx.choices("nothing_fits") if not (anything and c.id == "anything")]

    # -- answers -------------------------------------------------------------------------
    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if at_step(state.step, "one"):
            item = self._item(ctx, state)
            return [self.one_prompt(ctx, item.name)] if item else []
        if state.step == "nothing":
            return [ctx.ask(ctx.t("suggest.flow.alternatives"),
                            self._alternatives(ctx, bool(state.data.get("anything"))))]
        if state.step == "where":
            return [self._where_prompt(ctx)]
        return [self._list_prompt(ctx, self._batch(ctx, profile, state),
                                  one=len(state.data.get("batch", [])) == 1)]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        turn = self._handle(ctx, state, profile, event)
        if turn.state.flow == NAME and "resume" in state.data and \
                "resume" not in turn.state.data:
            # A new page (or a new search) keeps the way back to what they were doing
            # when they asked for ideas.
            turn.state = replace(turn.state, data={**turn.state.data,
                                                   "resume": state.data["resume"]})
        return turn

    def _handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound
                ) -> Turn:
        if at_step(state.step, "one"):
            return self._about_one(ctx, state, profile, event)
        if state.step == "nothing":
            return self._after_nothing(ctx, state, profile, event)
        if state.step == "where":
            return self._where(ctx, state, profile, event)
        return self._from_list(ctx, state, profile, event)

    def _batch(self, ctx: Context, profile: Profile, state: FlowState) -> list[Any]:
        needs = needs_for(profile, anything=bool(state.data.get("anything")),
                          home=bool(state.data.get("home")))
        by_id = {s.id: s for s in self._ranked(ctx, needs, shown=[])
                 if s.id in state.data.get("batch", [])}
        return [by_id[i] for i in state.data.get("batch", []) if i in by_id]

    def _from_list(self, ctx: Context, state: FlowState, profile: Profile,
                   event: Inbound) -> Turn:
        batch = self._batch(ctx, profile, state)
        choices = [Choice(s.id, s.opportunity.name) for s in batch] + \
            ctx.choices("suggest_more")
        answer = read_answer(ctx, choices, event)
        picked = answer.ids[0] if answer.chosen else None
        if answer.kind is AnswerKind.SKIP or picked == "done":
            return Turn([ctx.say("suggest.flow.later")], IDLE, profile)
        if picked == "more":
            return self._more(ctx, state, profile)
        if picked is None:
            prompt = self._list_prompt(ctx, batch, one=len(batch) == 1,
                                       prefix=sorry(ctx, answer))
            return Turn([prompt], state, profile)
        item = ctx.places.get(picked) if ctx.places else None
        if item is None:
            return Turn([ctx.say("suggest.no_more")], IDLE, profile)
        return Turn([self.one_prompt(ctx, item.name)],
                    state.at(step_for("one", picked), chosen=picked), profile)

    def _more(self, ctx: Context, state: FlowState, profile: Profile) -> Turn:
        anything, home = bool(state.data.get("anything")), bool(state.data.get("home"))
        shown = list(state.data.get("shown", []))
        rest = self._ranked(ctx, needs_for(profile, anything=anything, home=home), shown)
        if not rest:
            return self._nothing_fits(ctx, profile, ctx.t("suggest.no_more"), anything)
        return self._show(ctx, profile, rest[:PAGE], shown=shown, anything=anything,
                          home=home)

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
        needs = needs_for(profile, anything=bool(state.data.get("anything")),
                          home=bool(state.data.get("home")))
        miles = ctx.places.miles(needs, item.id) if ctx.places else None
        assert ctx.places is not None  # the item came from it
        if picked == "more_info":
            texts = ctx.places.describe(ctx.content, item, miles=miles, needs=needs)
            say = [Outbound(text) for text in texts]
            return Turn([*say, self.one_prompt(ctx, item.name)], state, profile)
        if picked == "go":
            texts = ctx.places.how_to_go(ctx.content, item, miles=miles, needs=needs)
            say = [Outbound(text) for text in texts]
            say.append(ctx.say("suggest.flow.going"))
            effects = [RecordImpact("going", item.id[:64]),
                       ScheduleReminder("followup", ctx.now() + FOLLOW_UP_AFTER,
                                        {"opportunity": item.id})]
            return Turn(say, IDLE, profile, effects=effects)
        if picked == "not_for_me":
            never = [*(profile.answer("not_for_me") or []), item.id]
            updated = profile.with_answer("not_for_me", never)
            turn = self._more(ctx, state, updated)
            turn.say.insert(0, ctx.say("suggest.flow.not_for_me"))
            return turn
        if picked == "buddy":
            return Turn([], IDLE, profile, start=StartFlow("buddy", resume=None))
        if picked == "back" or skipped:
            batch = self._batch(ctx, profile, state)
            if not batch:
                return self._more(ctx, state, profile)
            prompt = self._list_prompt(ctx, batch, one=len(batch) == 1)
            ids = [s.id for s in batch]
            return Turn([prompt], state.at(step_for("list", *ids), chosen=None, batch=ids),
                        profile)
        answer = read_answer(ctx, ctx.choices("suggestion"), event)
        return Turn([self.one_prompt(ctx, item.name, sorry(ctx, answer))], state, profile)

    def _after_nothing(self, ctx: Context, state: FlowState, profile: Profile,
                       event: Inbound) -> Turn:
        anything = bool(state.data.get("anything"))
        picked, skipped = _read(ctx, self._alternatives(ctx, anything), event)
        if picked == "home":
            return Turn([ctx.say("suggest.flow.home_ideas")], IDLE, profile)
        if picked == "buddy":
            return Turn([], IDLE, profile, start=StartFlow("buddy"))
        if picked == "anything":
            return self._search(ctx, profile, anything=True)
        if picked == "later" or skipped:
            return Turn([ctx.say("suggest.flow.later")], IDLE, profile)
        answer = read_answer(ctx, self._alternatives(ctx, anything), event)
        prompt = ctx.ask(f"{sorry(ctx, answer)} {ctx.t('suggest.flow.alternatives')}",
                         self._alternatives(ctx, anything))
        return Turn([prompt], state, profile)


CONVERSATION = Suggest()
