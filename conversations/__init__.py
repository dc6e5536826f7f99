"""Channel-neutral conversations. Each is pure: (context, state, profile, event) -> Turn."""

from __future__ import annotations

from bot.core.turn import Conversation


def registry() -> dict[str, Conversation]:
    """Every conversation by its stored name."""
    from conversations import (
        buddy,
        care,
        checkin,
        followup,
        link,
        menu,
        onboarding,
        privacy,
        settings,
        suggest,
    )

    found: list[Conversation] = [
        onboarding.CONVERSATION,
        settings.CONVERSATION,
        menu.CONVERSATION,
        privacy.CONVERSATION,
        checkin.CONVERSATION,
        suggest.CONVERSATION,
        suggest.OFFER,
        followup.CONVERSATION,
        buddy.CONVERSATION,
        buddy.VOLUNTEERING,
        care.CONVERSATION,
        link.CONVERSATION,
    ]
    return {c.name: c for c in found}
