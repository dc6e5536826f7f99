"""Every question the conversations can send, for the content lint to measure as sent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from bot.engine.events import Outbound
from bot.engine.session import Context, Profile
from conversations import checkin, menu, onboarding, privacy, settings
from conversations.questions import QUESTIONS


def all_prompts(ctx: Context, lead_ins: Sequence[str]) -> Iterator[tuple[str, Outbound]]:
    # The longest menu: someone who gets messages and has paused them.
    profile = Profile(consent_encouragement=True, consent_health=True,
                      paused_until=datetime(2999, 1, 1, tzinfo=UTC))
    for lead in lead_ins:
        label = f" (after '{lead}')" if lead else ""
        for question in QUESTIONS.values():
            yield f"questions.{question.id}{label}", question.prompt(ctx, profile, lead)
        yield f"onboarding.privacy{label}", onboarding.CONVERSATION.privacy_prompt(ctx, lead)
        yield f"menu.ask{label}", menu.CONVERSATION.menu_prompt(ctx, profile, lead)
        yield f"settings.ask{label}", settings.CONVERSATION.settings_prompt(ctx, lead)
        yield f"settings.again{label}", settings.CONVERSATION.settings_prompt(ctx, lead, again=True)
        yield f"privacy.delete_confirm{label}", privacy.CONVERSATION.confirm_prompt(ctx, lead)
        matters = profile.with_answer("what_matters", ctx.content.text("checkin.example_words"))
        yield f"checkin.ask{label}", checkin.CONVERSATION.prompt(ctx, matters, lead)
    yield "onboarding.privacy_more", ctx.ask(ctx.t("onboarding.privacy_more"),
                                             ctx.choices("privacy", only=["ok", "not_now"]))
