"""Channel-neutral conversations. Each is pure: (context, state, profile, event) -> Turn."""

from __future__ import annotations

from bot.engine.session import Conversation


def registry() -> dict[str, Conversation]:
    """Every conversation by its stored name."""
    from conversations import checkin, menu, onboarding, privacy, settings

    found: list[Conversation] = [
        onboarding.CONVERSATION,
        settings.CONVERSATION,
        menu.CONVERSATION,
        privacy.CONVERSATION,
        checkin.CONVERSATION,
    ]
    return {c.name: c for c in found}
