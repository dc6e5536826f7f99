"""Every question the conversations can send, for the content lint to measure as sent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from bot.core.answers import Choice
from bot.core.events import Outbound
from bot.core.turn import Context, FlowState, Profile
from bot.places.catalogue import Catalogue
from conversations import (
    buddy,
    checkin,
    delete,
    followup,
    menu,
    onboarding,
    settings,
    suggest,
    suggest_offer,
    volunteer,
)
from conversations.questions import QUESTIONS


def all_prompts(ctx: Context, lead_ins: Sequence[str]) -> Iterator[tuple[str, Outbound]]:
    # The longest menu: someone who gets messages and has paused them.
    profile = Profile(consent_encouragement=True, consent_health=True,
                      paused_until=datetime(2999, 1, 1, tzinfo=UTC))
    for lead in lead_ins:
        label = f" (after '{lead}')" if lead else ""
        for question in QUESTIONS.values():
            yield f"questions.{question.id}{label}", question.prompt(ctx, profile, lead)
        yield f"menu.ask{label}", menu.CONVERSATION.menu_prompt(ctx, profile, lead)
        yield f"settings.ask{label}", settings.CONVERSATION.settings_prompt(ctx, lead)
        yield f"settings.again{label}", settings.CONVERSATION.settings_prompt(ctx, lead, again=True)
        matters = profile.with_answer("what_matters", ctx.content.text("checkin.example_words"))
        yield f"checkin.ask{label}", checkin.CONVERSATION.prompt(ctx, matters, lead)
        yield f"suggest.flow.pick{label}", _suggestion_list(ctx, lead)
        longest = max(_names(), key=len)
        yield f"suggest.flow.what_next{label}", suggest.CONVERSATION.one_prompt(
            ctx, longest, lead)
        yield f"suggest.followup.ask{label}", followup.CONVERSATION.prompt(ctx, longest, lead)
        yield f"suggest.flow.offer{label}", suggest_offer.OFFER.prompt(ctx, lead)
        yield f"peers.buddy.ask{label}", buddy.CONVERSATION.ask_prompt(ctx, lead)
        yield f"peers.buddy.experience{label}", buddy.CONVERSATION.experience_prompt(ctx, lead)
        for step in volunteer.Volunteering.STEPS:
            state = FlowState(volunteer.VOLUNTEER, step, {"role": "supporter"})
            yield f"peers.volunteer.{step}{label}", volunteer.VOLUNTEERING.prompt(ctx, state, lead)
        for role in volunteer.ROLES:
            state = FlowState(volunteer.VOLUNTEER, "conduct", {"role": role})
            yield f"peers.volunteer.conduct.{role}{label}", volunteer.VOLUNTEERING.prompt(
                ctx, state, lead)
    for unclear in (False, True):
        yield f"onboarding.privacy (unclear: {unclear})", \
            onboarding.CONVERSATION.privacy_prompt(ctx, unclear=unclear)
        yield f"privacy.delete_confirm (unclear: {unclear})", \
            delete.CONVERSATION.confirm_prompt(ctx, unclear=unclear)
    yield "onboarding.privacy_more", ctx.ask(ctx.t("onboarding.privacy_more"),
                                             ctx.choices("privacy", only=["ok", "not_now"]))


def _names() -> list[str]:
    return [item.name for item in Catalogue.from_yaml(strict=False).all()]


def _suggestion_list(ctx: Context, lead: str) -> Outbound:
    """The three longest place names we hold, as a list of ideas would show them."""
    names = sorted(_names(), key=len)[-3:]
    choices = [Choice(f"p{n}", name) for n, name in enumerate(names)]
    choices += ctx.choices("suggest_more")
    text = f"{lead} {ctx.t('suggest.flow.pick')}".strip()
    return ctx.ask(text, choices)
