"""Reading a person's answers back to them in plain words (summary, settings, my data)."""

from __future__ import annotations

from bot.core.turn import Context, Profile
from conversations.questions import QUESTIONS, Kind


def answer_text(ctx: Context, profile: Profile, question_id: str) -> str | None:
    """One answer as words, or None when it was not given."""
    question = QUESTIONS[question_id]
    if question_id == "name":
        return profile.name
    if question_id == "district":
        return profile.district
    if question_id == "health":
        return profile.health_notes
    if question_id in ("consent_health", "consent_encouragement"):
        value = getattr(profile, question_id)
        if value is None:
            return None
        return ctx.t("onboarding.summary_yes" if value else "onboarding.summary_no")
    if question_id == "what_matters":
        return profile.answer("what_matters")
    if question_id == "quiet":
        key = f"{profile.quiet_start.replace(':', '')}-{profile.quiet_end.replace(':', '')}"
        labels = {c.id: c.label for c in ctx.choices("quiet")}
        return labels.get(key, f"{profile.quiet_start} - {profile.quiet_end}")
    if question_id == "frequency" and profile.consent_encouragement is False:
        return ctx.t("options.frequency.never.label")
    value = profile.answer(question_id)
    if question.options is None:
        return value
    labels = {c.id: c.label for c in ctx.choices(question.options)}
    ids = [] if value is None else value if isinstance(value, list) else [value]
    chosen = ", ".join(labels.get(i, i) for i in ids)
    own = profile.answer(f"{question_id}_own_words")
    if own and chosen:
        return ctx.t("onboarding.with_own_words", answer=chosen, own_words=own)
    if own:
        return ctx.t("onboarding.only_own_words", own_words=own)
    return chosen or None


def summary_lines(ctx: Context, profile: Profile, question_ids: list[str]) -> list[str]:
    lines = []
    for question_id in question_ids:
        question = QUESTIONS[question_id]
        if question.kind is Kind.TEXT and question_id == "health" and not profile.consent_health:
            continue
        if question_id in ("access", "cost") and profile.answer(question_id) is None:
            continue  # only asked when they said it would help
        text = answer_text(ctx, profile, question_id) or ctx.t("onboarding.summary_nothing")
        lines.append(ctx.t("onboarding.summary_line",
                           label=ctx.t(f"questions.{question_id}.label"), answer=text))
    return lines
