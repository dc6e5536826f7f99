"""The questions we ask about a person, shared by onboarding and settings.

Each question knows how to ask itself, how to read an answer (button, number, words,
location) and where the answer is kept. Nothing here infers anything from a condition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.answers import AnswerKind, match_answer, match_choice_id
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.textnorm import clean
from bot.core.turn import Context, Profile
from bot.geo.districts import parse_district

NAME_MAX_CHARS = 40
FREE_TEXT_MAX_CHARS = 500


class Kind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    TEXT = "text"
    DISTRICT = "district"


@dataclass(frozen=True)
class AnswerReading:
    """The outcome of reading one answer: a new profile, a skip, or a kind re-ask."""

    profile: Profile | None = None
    skipped: bool = False
    retry_key: str | None = None
    note_key: str | None = None  # e.g. "we kept the first part of a long answer"
    note_params: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.profile is not None or self.skipped


@dataclass(frozen=True)
class Question:
    id: str
    kind: Kind
    options: str | None = None
    own_words: bool = False
    # Only asked when this holds, e.g. health details only with consent to keep them.
    applies: Callable[[Profile], bool] = lambda _profile: True

    # -- asking -------------------------------------------------------------------------
    def prompt(self, ctx: Context, profile: Profile, prefix: str = "") -> Outbound:
        if self.kind is Kind.DISTRICT:
            key = "questions.district.ask_with_location" if ctx.channel == "telegram" else \
                "questions.district.ask"
            return ctx.ask(_join(prefix, ctx.t(key)), ask_location=ctx.channel == "telegram")
        text = _join(prefix, self.ask_text(ctx))
        if self.options is None:
            return ctx.ask(text)
        choices = ctx.choices(self.options)
        chosen = _current(self, profile) if self.kind is Kind.MULTI else []
        return ctx.ask(text, choices, multi=self.kind is Kind.MULTI, chosen=chosen)

    def ask_text(self, ctx: Context) -> str:
        if ctx.content.has(f"questions.{self.id}.ask"):
            return ctx.t(f"questions.{self.id}.ask")
        return ctx.t(f"onboarding.{self.id}")

    # -- reading ------------------------------------------------------------------------
    def read(self, ctx: Context, profile: Profile, event: Inbound) -> AnswerReading:
        if self.kind is Kind.DISTRICT:
            return _read_district(ctx, profile, event)
        if self.kind is Kind.TEXT:
            return _read_text(self, ctx, profile, event)
        return _read_choice(self, ctx, profile, event)


def _join(prefix: str, text: str) -> str:
    return f"{prefix} {text}" if prefix else text


def _current(question: Question, profile: Profile) -> list[str]:
    value = profile.answer(question.id, [])
    return list(value) if isinstance(value, list) else []


def _read_choice(question: Question, ctx: Context, profile: Profile, event: Inbound
                 ) -> AnswerReading:
    assert question.options is not None
    choices = ctx.choices(question.options)
    if event.kind is EventKind.CHOICE:
        ids = [i for i in (event.choice or "").split(",") if i]
        if not ids and question.kind is Kind.MULTI:
            return AnswerReading(skipped=True)  # "Done" with nothing ticked
        answers = [match_choice_id(i, choices) for i in ids] or [match_choice_id(None, choices)]
        if any(a.kind is AnswerKind.UNCLEAR for a in answers):
            return AnswerReading(retry_key="common.unclear")
        if question.kind is Kind.SINGLE and len(answers) != 1:
            return AnswerReading(retry_key="common.unclear")
        chosen = [a.ids[0] for a in answers]
        return AnswerReading(profile=store_choice(question, profile, chosen, ""))
    if event.kind is not EventKind.TEXT:
        return AnswerReading(retry_key="common.unclear")
    answer = match_answer(
        event.text, choices, ctx.vocabulary,
        multi=question.kind is Kind.MULTI, own_words=question.own_words,
    )
    if answer.kind is AnswerKind.SKIP:
        return AnswerReading(skipped=True)
    if answer.kind is AnswerKind.UNCLEAR:
        return AnswerReading(
            retry_key="common.out_of_range" if answer.out_of_range else "common.unclear")
    own = _trimmed(answer.own_words, FREE_TEXT_MAX_CHARS) if answer.kind is AnswerKind.OWN_WORDS \
        else ""
    note = "onboarding.own_words_kept" if own else None
    return AnswerReading(profile=store_choice(question, profile, list(answer.ids), own),
                         note_key=note)


def _read_text(question: Question, ctx: Context, profile: Profile, event: Inbound) -> AnswerReading:
    if event.kind is not EventKind.TEXT:
        return AnswerReading(retry_key=f"questions.{question.id}.retry")
    text = clean(event.text)
    if ctx.vocabulary.is_skip(text):
        return AnswerReading(skipped=True)
    if not any(ch.isalpha() for ch in text):
        return AnswerReading(retry_key=f"questions.{question.id}.retry")
    limit = NAME_MAX_CHARS if question.id == "name" else FREE_TEXT_MAX_CHARS
    kept = _trimmed(text, limit)
    note = "common.too_long" if len(kept) < len(text) and question.id != "name" else None
    return AnswerReading(profile=store_text(question, profile, kept), note_key=note)


def _read_district(ctx: Context, profile: Profile, event: Inbound) -> AnswerReading:
    if event.kind is EventKind.LOCATION and event.latitude is not None \
            and event.longitude is not None:
        district = ctx.geo.nearest(event.latitude, event.longitude) if ctx.geo else None
        if district is None:
            return AnswerReading(retry_key="questions.district.location_unknown")
        updated = profile.changed(
            district=district,
            latitude=round(event.latitude, 2),
            longitude=round(event.longitude, 2),
        )
        return AnswerReading(profile=updated, note_key="questions.district.from_location",
                       note_params=(("district", district),))
    if event.kind is not EventKind.TEXT:
        return AnswerReading(retry_key="questions.district.retry")
    if ctx.vocabulary.is_skip(event.text):
        return AnswerReading(skipped=True)
    district = parse_district(clean(event.text))
    if district is None:
        return AnswerReading(retry_key="questions.district.retry")
    # A typed district replaces any earlier shared location.
    return AnswerReading(profile=profile.changed(district=district, latitude=None, longitude=None))


def _trimmed(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip()


def store_choice(question: Question, profile: Profile, ids: list[str], own: str) -> Profile:
    if question.id == "consent_health":
        keep = ids == ["yes"]
        # Withdrawing consent takes every health detail with it, check-in words too.
        kept = profile if keep else profile.with_answer("checkin_words", None)
        return kept.changed(consent_health=keep,
                            health_notes=profile.health_notes if keep else None)
    if question.id == "consent_encouragement":
        return profile.changed(consent_encouragement=ids == ["yes"])
    if question.id == "quiet":
        if not ids:
            return profile
        start, end = ids[0].split("-")
        return profile.changed(quiet_start=f"{start[:2]}:{start[2:]}",
                               quiet_end=f"{end[:2]}:{end[2:]}")
    if question.id == "frequency":
        if ids == ["never"]:
            return profile.changed(consent_encouragement=False).with_answer("frequency", None)
        return profile.with_answer("frequency", ids[0] if ids else None)
    if question.kind is Kind.SINGLE:
        return profile.with_answer(question.id, ids[0] if ids else None)
    updated = profile.with_answer(question.id, ids)
    if question.id == "helps":
        # Access and cost needs are hard limits on suggestions: they go with the help that
        # asked for them, never left behind as a stale limit.
        for follow_on in QUESTIONS.values():
            if follow_on.id in ("access", "cost") and not follow_on.applies(updated):
                updated = updated.with_answer(follow_on.id, None)
    if question.own_words:
        updated = updated.with_answer(f"{question.id}_own_words", own or None)
    return updated


def store_text(question: Question, profile: Profile, text: str) -> Profile:
    if question.id == "name":
        return profile.changed(name=text)
    if question.id == "health":
        return profile.changed(health_notes=text if profile.consent_health else None)
    return profile.with_answer(question.id, text)


def clear(question: Question, profile: Profile) -> Profile:
    """What 'skip' does in settings: the answer is removed, not guessed."""
    if question.id == "name":
        return profile.changed(name=None)
    if question.id == "district":
        return profile.changed(district=None, latitude=None, longitude=None)
    if question.id == "health":
        return profile.changed(health_notes=None)
    if question.id in ("consent_health", "consent_encouragement"):
        return profile
    if question.id == "quiet":
        return profile.changed(quiet_start="21:00", quiet_end="08:30")
    cleared = profile.with_answer(question.id, None)
    if question.id == "helps":
        cleared = cleared.with_answer("access", None).with_answer("cost", None)
    return replace(cleared, answers={k: v for k, v in cleared.answers.items()
                                     if k != f"{question.id}_own_words"})


QUESTIONS: dict[str, Question] = {
    q.id: q
    for q in (
        Question("consent_health", Kind.SINGLE, options="yes_no"),
        Question("consent_encouragement", Kind.SINGLE, options="encouragement"),
        Question("name", Kind.TEXT),
        Question("activities", Kind.MULTI, options="activities", own_words=True),
        Question("helps", Kind.MULTI, options="helps"),
        Question("access", Kind.MULTI, options="access",
                 applies=lambda p: "accessible" in (p.answer("helps") or [])),
        Question("cost", Kind.SINGLE, options="cost",
                 applies=lambda p: "low_cost" in (p.answer("helps") or [])),
        Question("days", Kind.MULTI, options="days"),
        Question("times", Kind.MULTI, options="times"),
        Question("frequency", Kind.SINGLE, options="frequency",
                 applies=lambda p: bool(p.consent_encouragement)),
        Question("with_whom", Kind.MULTI, options="with_whom"),
        Question("where", Kind.MULTI, options="where"),
        Question("district", Kind.DISTRICT),
        Question("what_matters", Kind.TEXT),
        Question("health", Kind.TEXT, applies=lambda p: bool(p.consent_health)),
        Question("quiet", Kind.SINGLE, options="quiet"),
    )
}
