"""The menu: what a person can do, offered as options. Diagram: menu.mmd beside this file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.answers import AnswerKind
from bot.core.events import Inbound, Outbound
from bot.core.turn import IDLE, Context, FlowState, Profile, ShowMyData, StartFlow, Turn
from conversations import everyday
from conversations.answers import read_answer

NAME = "menu"
OPEN_FOR = timedelta(hours=12)


def _items(ctx: Context, profile: Profile) -> list[str]:
    """Menu entries that make sense for this person right now."""
    items = ["suggest", "settings"]
    if profile.consent_encouragement:
        items.append("resume" if everyday.is_paused(ctx, profile) else "pause")
    items += ["my_data", "delete", "help", "nothing"]
    return items


class Menu:
    name = NAME
    holds_focus = False
    resumable = False  # only a chooser: nothing to come back to

    def start(self, ctx: Context, profile: Profile, prefix: str = "", **_options: Any) -> Turn:
        # A menu left unanswered lapses: a reply days later starts afresh.
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self.menu_prompt(ctx, profile, prefix)],
                    FlowState(NAME, "pick", {"until": until}), profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        return [self.menu_prompt(ctx, profile)]

    def menu_prompt(self, ctx: Context, profile: Profile, prefix: str = "") -> Outbound:
        text = f"{prefix} {ctx.t('menu.ask')}".strip()
        return ctx.ask(text, ctx.choices("menu", only=_items(ctx, profile)))

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        choices = ctx.choices("menu", only=_items(ctx, profile))
        answer = read_answer(ctx, choices, event)
        if answer.kind is AnswerKind.SKIP:
            return Turn([ctx.say("menu.bye")], IDLE, profile)
        if not answer.chosen:
            key = "common.out_of_range" if answer.out_of_range else "common.unclear"
            return Turn([self.menu_prompt(ctx, profile, ctx.t(key))], state, profile)
        picked = answer.ids[0]
        if picked == "settings":
            return Turn([], IDLE, profile, start=StartFlow("settings"))
        if picked == "suggest":
            return Turn([], IDLE, profile, start=StartFlow("suggest"))
        if picked == "delete":
            return Turn([], IDLE, profile, start=StartFlow("delete"))
        if picked == "pause":
            say, updated = everyday.pause(ctx, profile)
            return Turn(say, IDLE, updated)
        if picked == "resume":
            say, updated = everyday.resume(ctx, profile)
            return Turn(say, IDLE, updated)
        if picked == "help":
            return Turn(everyday.help_messages(ctx), IDLE, profile)
        if picked == "my_data":
            return Turn([], IDLE, profile, effects=[ShowMyData()])
        return Turn([ctx.say("menu.bye")], IDLE, profile)


CONVERSATION = Menu()
