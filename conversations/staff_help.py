"""Talking to a person from the Move Mates team. Diagram: staff_help.mmd beside this file.

Two things live here, both pure. `AskReader` reads whether a message asks for a person
("can I speak to a human", "talk 2 sum1 from the team", "a real person pls"), for a peer
supporter ("talk to a peer") or could mean either ("someone to talk to"); the interceptor
in `bot/extensions/staff_help.py` uses it on every message. And this conversation, which
asks "a peer supporter or the team?" when that is not clear (an unclear answer is asked
once more, then let go: nothing happens that the person did not choose), and is where a
person is while a member of staff holds their conversation (step `held`, put there and
taken away by the staff console): what they send then goes to the console's thread.

Asking the team itself is an effect (`TeamAction`): the extension records the request and
says honestly when someone will reply, from the team's working hours.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from bot.core.answers import AnswerKind
from bot.core.content import Content
from bot.core.events import EventKind, Inbound, Outbound
from bot.core.textnorm import english_words, tokens
from bot.core.turn import (
    IDLE,
    TEAM_FLOW,
    TEAM_HELD,
    Context,
    FlowState,
    Profile,
    StartFlow,
    TeamAction,
    Turn,
)
from conversations import buddy
from conversations.answers import read_answer

NAME = TEAM_FLOW
WHICH = "which"
OPEN_FOR = timedelta(hours=12)
TEAM, EITHER, PEER = "team", "either", "peer"
# Longer messages are about something else, whatever words they contain.
MAX_WORDS = 18
# "about my knee", "regarding the walk": what follows is their reason, not another request.
_ABOUT = frozenset({"about", "regarding", "re", "because", "as"})
# Telegram-style commands that ask for the team (/team, /human).
SLASH = frozenset({"team", "human", "person"})


class AskReader:
    """Whether a whole message asks for the team, a peer, or either (`read`)."""

    def __init__(self, content: Content) -> None:
        def phrases(key: str) -> set[tuple[str, ...]]:
            return {tuple(tokens(p)) for p in content.words(f"staff_help.{key}")} - {()}

        self._forms: dict[str, tuple[str, ...]] = {}
        for meaning in content.keys_under("staff_help.texting_forms"):
            for form in content.words(f"staff_help.texting_forms.{meaning}"):
                for token in tokens(form):
                    self._forms[token] = tuple(tokens(meaning))
        team, either = phrases("team"), phrases("either")
        verbs, team_verbs = phrases("verbs"), phrases("team_verbs")
        self._cores: dict[tuple[str, ...], str] = {}
        for verb in verbs | team_verbs:
            for target in team | phrases("team_after_verb"):
                self._cores[verb + target] = TEAM
        for phrase in team:
            self._cores[phrase] = TEAM
        for verb in verbs:
            for target in phrases("either_after_verb"):
                self._cores.setdefault(verb + target, EITHER)
            for target in phrases("peer_after_verb"):
                self._cores.setdefault(verb + target, PEER)
        for phrase in either:
            self._cores.setdefault(phrase, EITHER)
        self._lead = phrases("lead_in")
        self._tail = phrases("tail")
        self._longest = max((len(c) for c in self._cores), default=0)
        self._vocabulary = frozenset(w for group in (self._cores, self._lead, self._tail)
                                     for phrase in group for w in phrase)

    def read(self, event: Inbound) -> str | None:
        """TEAM, EITHER, PEER or None (the message is about something else)."""
        if event.kind is EventKind.COMMAND:
            return TEAM if (event.command or "").lower() in SLASH else None
        if event.kind is not EventKind.TEXT:
            return None
        text = event.text.strip()
        if text.startswith("/"):
            name = text[1:].split(" ", 1)[0].split("@", 1)[0].lower()
            return TEAM if name in SLASH and len(text.split()) == 1 else None
        words = tokens(text)
        if not words or len(words) > MAX_WORDS:
            return None
        words = [w for word in words for w in self._forms.get(word, (word,))]
        found = self._find(words)
        if found is None and any(w not in self._vocabulary for w in words):
            mended = self._mended(words)
            if mended != words:
                found = self._find(mended)
        return found

    def _find(self, words: list[str]) -> str | None:
        size = len(words)
        lead = _segmentable(words, self._lead, forward=True)
        tail = _segmentable(words, self._tail, forward=False)
        for j in range(size):
            if words[j] in _ABOUT and j + 1 < size:
                tail[j] = True
        for i in range(size):
            if not lead[i]:
                continue
            for j in range(i + 1, min(size, i + self._longest) + 1):
                if tail[j]:
                    kind = self._cores.get(tuple(words[i:j]))
                    if kind is not None:
                        return kind
        return None

    def _mended(self, words: list[str]) -> list[str]:
        """Typos mended into the words we look for, one letter out (two in a long word),
        never a real word into another ("walk" stays "walk")."""
        mended = []
        for word in words:
            if word in self._vocabulary or len(word) < 4 or word in english_words():
                mended.append(word)
                continue
            close = {w for w in self._vocabulary
                     if abs(len(w) - len(word)) <= 2 and
                     _distance(word, w) <= (2 if len(word) >= 8 else 1) and len(w) >= 4}
            mended.append(close.pop() if len(close) == 1 else word)
        return mended


def _segmentable(words: list[str], phrases: set[tuple[str, ...]], *, forward: bool
                 ) -> list[bool]:
    """forward: ok[i] when words[:i] is phrases one after another; else ok[j] when
    words[j:] is."""
    size = len(words)
    ok = [False] * (size + 1)
    if forward:
        ok[0] = True
        for end in range(1, size + 1):
            ok[end] = any(ok[end - len(p)] and tuple(words[end - len(p):end]) == p
                          for p in phrases if len(p) <= end)
    else:
        ok[size] = True
        for start in range(size - 1, -1, -1):
            ok[start] = any(ok[start + len(p)] and tuple(words[start:start + len(p)]) == p
                            for p in phrases if start + len(p) <= size)
    return ok


def _distance(a: str, b: str) -> int:
    """Edits between two words (a swap of two letters next to each other is one)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@cache
def _reader(content: Content) -> AskReader:
    return AskReader(content)


def asks(ctx: Context, event: Inbound) -> str | None:
    """What the message asks for, in the person's language: TEAM, EITHER, PEER or None."""
    return _reader(ctx.content).read(event)


def held_message(state: FlowState, event: Inbound) -> TeamAction:
    """What someone sent while a member of staff holds their conversation, for its thread."""
    return TeamAction("message", {
        "request": state.data.get("request"), "kind": event.kind.value,
        "text": event.text if event.kind is EventKind.TEXT else "",
        "resume": state.data.get("resume")})


def team_request(ctx: Context, event: Inbound | None, state: FlowState | None = None
                 ) -> TeamAction:
    """They asked for the team: `state`, the question to ask again afterwards (if any)."""
    values: dict[str, Any] = {"channel": ctx.channel}
    if event is not None and event.kind is EventKind.TEXT:
        values["text"] = event.text
    if state is not None and state.flow:
        values["state"] = {"flow": state.flow, "step": state.step, "data": state.data}
    return TeamAction("request", values)


class StaffHelpTalk:
    """"A peer supporter or the team?", and being held by a member of staff."""

    name = NAME
    # Left for a command (HELP, SETTINGS...) it is picked up again afterwards: someone held
    # by staff goes back to them.
    resumable = True
    # What they send while held is for the team, never for a peer they chat with.
    holds_focus = True

    def start(self, ctx: Context, profile: Profile, **_options: Any) -> Turn:
        until = (ctx.now() + OPEN_FOR).isoformat()
        return Turn([self._ask(ctx, "staff_help.which")], FlowState(NAME, WHICH,
                                                                   {"until": until}), profile)

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        if state.step == TEAM_HELD:
            return [ctx.say("staff_help.held", name=_staff(ctx, state))]
        return [self._ask(ctx, "staff_help.which")]

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn:
        if state.step == TEAM_HELD:
            return Turn([], state, profile, effects=[held_message(state, event)])
        answer = read_answer(ctx, ctx.choices("talk_to"), event)
        if answer.kind is AnswerKind.SKIP:
            return Turn([ctx.say("staff_help.neither")], IDLE, profile)
        if not answer.chosen:
            if state.data.get("asked_again"):
                return Turn([ctx.say("staff_help.let_go")], IDLE, profile)
            return Turn([self._ask(ctx, "staff_help.which_again")],
                        state.at(WHICH, asked_again=True), profile)
        picked = answer.ids[0]
        if picked == TEAM:
            return Turn([], IDLE, profile, effects=[team_request(ctx, None)])
        if picked == PEER:
            return Turn([], IDLE, profile, start=StartFlow(buddy.NAME))
        return Turn([ctx.say("staff_help.neither")], IDLE, profile)

    def _ask(self, ctx: Context, key: str) -> Outbound:
        return ctx.ask(ctx.t(key), ctx.choices("talk_to"))


def _staff(ctx: Context, state: FlowState) -> str:
    name = state.data.get("staff")
    return name if isinstance(name, str) and name else ctx.t("staff_help.the_team")


CONVERSATION = StaffHelpTalk()
