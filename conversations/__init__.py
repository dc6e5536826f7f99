"""Channel-neutral conversations. Each is pure: (context, state, profile, event) -> Turn."""

from __future__ import annotations

from bot.core.commands import Command
from bot.core.turn import Conversation, Registry


def registry() -> Registry:
    """Every conversation by its stored name, and which one plays each part for the
    engine (the newcomer's, the idle one, what each command and planned reminder starts)."""
    from conversations import (
        buddy,
        care,
        checkin,
        delete,
        duty,
        everyday,
        followup,
        link,
        menu,
        onboarding,
        peer,
        settings,
        staff_help,
        suggest,
        suggest_offer,
        volunteer,
    )

    found: list[Conversation] = [
        onboarding.CONVERSATION,
        settings.CONVERSATION,
        menu.CONVERSATION,
        delete.CONVERSATION,
        checkin.CONVERSATION,
        suggest.CONVERSATION,
        suggest_offer.OFFER,
        followup.CONVERSATION,
        buddy.CONVERSATION,
        volunteer.VOLUNTEERING,
        care.CONVERSATION,
        link.CONVERSATION,
        staff_help.CONVERSATION,
    ]
    return Registry(
        conversations={c.name: c for c in found},
        newcomer=onboarding.NAME,
        idle=menu.NAME,
        care=care.NAME,
        link=link.NAME,
        checkin=checkin.NAME,
        commands={Command.MENU: menu.NAME, Command.SETTINGS: settings.NAME,
                  Command.DELETE: delete.DELETE, Command.SUGGEST: suggest.NAME,
                  Command.BUDDY: buddy.NAME},
        # A planned reminder's kind -> the conversation it starts, with its options.
        time_events={"checkin": (checkin.NAME, {}), "followup": (followup.NAME, {}),
                     "suggestion": (suggest.NAME, {"one": True})},
        everyday=everyday,
        peer=peer,
        duty_commands=duty.commands,
    )
