"""What a conversation is given and what it gives back.

A conversation is a pure function: `(context, state, event) -> Turn`. It never awaits,
never reads the clock or the database itself, and knows nothing of any channel's types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from bot.core.answers import Choice, Vocabulary, option_choices
from bot.core.clock import Clock
from bot.core.content import Content
from bot.core.events import Inbound, Option, Outbound
from bot.core.peer_context import PeerContext
from bot.geo.districts import DistrictTable


@dataclass(frozen=True)
class Profile:
    """Everything a conversation may know about a person, as plain values."""

    person_id: int | None = None
    role: str = "resident"
    language: str = "en"
    name: str | None = None
    consent_health: bool | None = None
    consent_encouragement: bool | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    health_notes: str | None = None
    paused_until: datetime | None = None
    gentle_until: datetime | None = None
    quiet_start: str = "21:00"
    quiet_end: str = "08:30"
    referral_source: str | None = None
    onboarded_at: datetime | None = None

    def answer(self, key: str, default: Any = None) -> Any:
        return self.answers.get(key, default)

    def with_answer(self, key: str, value: Any) -> Profile:
        answers = dict(self.answers)
        if value is None or value == [] or value == "":
            answers.pop(key, None)
        else:
            answers[key] = value
        return replace(self, answers=answers)

    def changed(self, **changes: Any) -> Profile:
        return replace(self, **changes)


@dataclass(frozen=True)
class FlowState:
    """Where a person is: which conversation, which step, and its scratch data."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.flow}.{self.step}" if self.flow else ""

    def at(self, step: str | None, **data: Any) -> FlowState:
        merged = {**self.data, **data}
        return FlowState(self.flow, step, merged)


IDLE = FlowState()


class Effect:
    """Something only the engine can do (erase a person, record a count), asked for by name."""


@dataclass(frozen=True)
class EraseEverything(Effect):
    pass


@dataclass(frozen=True)
class ShowMyData(Effect):
    """Report everything held; only the engine can gather it from storage."""


@dataclass(frozen=True)
class ScheduleReminder(Effect):
    """Come back to this person later (a follow-up), as a time event for the engine."""

    kind: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordFeedback(Effect):
    """Anonymous feedback on a place, for coordinators: no person, only what they said."""

    opportunity_id: str
    answer: str


@dataclass(frozen=True)
class PeerAction(Effect):
    """Something in peer support only the engine can do (it touches other people):
    `action` names it, `values` carries what it needs."""

    action: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TeamAction(PeerAction):
    """A resident and the Move Mates team (staff in the console): `action` "request" (they
    asked to talk to a person) or "message" (words sent while a member of staff holds
    their conversation). It touches other people, as peer support does, so it travels the
    engine's way for those (`PeerAction`: what its handler says goes before the question
    they are taken back to, and its handler may move them on); the app registers its own
    handler for this type (`bot/extensions/staff_help.py`)."""


# While a member of staff holds someone's conversation they are in this conversation
# (`conversations/staff_help.py`), at this step, put there by the console when the request
# is claimed and taken out when it is handed back (`bot/staff/help.py`). Stored names.
TEAM_FLOW = "staff_help"
TEAM_HELD = "held"


@dataclass(frozen=True)
class LinkAction(Effect):
    """Joining a second channel to this person (it touches identities and may join two
    people): `action` is sms_code, check_code, telegram_link or use_link."""

    action: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenSafetyAlert(Effect):
    """An urgent or crisis message: a person on our side must hear about it."""

    category: str  # crisis | red_flag
    topic: str
    text: str


@dataclass(frozen=True)
class AlertAction(Effect):
    """The duty team at work: `action` is list, show, ok, note, close, on_duty or off_duty."""

    action: str
    alert: int = 0
    note: str = ""


@dataclass(frozen=True)
class RecordImpact(Effect):
    kind: str
    detail: str | None = None


@dataclass(frozen=True)
class StartFlow:
    """Hand over to another conversation; `resume` is where to come back to afterwards."""

    name: str
    resume: FlowState | None = None


@dataclass
class Turn:
    say: list[Outbound]
    state: FlowState
    profile: Profile
    effects: list[Effect] = field(default_factory=list)
    start: StartFlow | None = None


@dataclass(frozen=True)
class PersonRecord:
    """What `my data` reports beyond the profile: the ways we reach them and what we sent."""

    identities: Sequence[tuple[str, str, datetime | None]]  # (channel, last digits, opted out)
    messages_stored: int
    created_at: datetime | None
    volunteer_role: str | None = None  # supporter | moderator | coordinator
    volunteer_alias: str | None = None
    volunteer_experience: str | None = None  # a condition they chose to share, for matching
    peer_chats: int = 0  # open chats with a peer supporter or a resident
    waiting_for_supporter: bool = False
    groups: int = 0  # Telegram groups they are in through us
    follow_ups: int = 0  # places we'll ask them about
    safety_alerts: int = 0  # urgent messages the duty team was told of, still naming them
    team_requests: int = 0  # times they asked to talk to a person from the team


class PlaceGuide(Protocol):
    """The catalogue as a conversation reads it: ranking, and the words that explain a
    suggestion (`bot.places.guide.PlaceGuide` is the one there is). A protocol, so the
    conversation API imports no feature: `needs` is a `bot.core.needs.Needs`, items are
    the catalogue's opportunities and suggestions its ranked results, read by attribute."""

    def get(self, opportunity_id: str) -> Any: ...

    def origin(self, needs: Any) -> tuple[float, float] | None: ...

    def miles(self, needs: Any, opportunity_id: str) -> float | None: ...

    def rank(self, needs: Any, limit: int | None = None) -> Sequence[Any]: ...

    def why_no_places(self, needs: Any) -> tuple[str, ...]: ...

    def shortfall(self, content: Content, gaps: Sequence[str], needs: Any) -> str: ...

    def why(self, content: Content, suggestion: Any, needs: Any) -> str: ...

    def check_first(self, content: Content, suggestion: Any) -> str | None: ...

    def describe(self, content: Content, item: Any, *, miles: float | None,
                 needs: Any) -> list[str]: ...

    def how_to_go(self, content: Content, item: Any, *, miles: float | None,
                  needs: Any) -> list[str]: ...


@dataclass(frozen=True)
class Context:
    content: Content
    clock: Clock
    vocabulary: Vocabulary
    channel: str = "console"
    geo: DistrictTable | None = None
    places: PlaceGuide | None = None  # the catalogue, ready for ranking suggestions
    peer: PeerContext = field(default_factory=PeerContext)  # their place in peer support

    def t(self, key: str, **params: object) -> str:
        return self.content.text(key, **params)

    def say(self, key: str, **params: object) -> Outbound:
        return Outbound(self.t(key, **params))

    def choices(self, options_key: str, only: Sequence[str] | None = None) -> list[Choice]:
        """Options listed under `options.<options_key>` in content, in file order."""
        return option_choices(self.content, options_key, only)

    def ask(self, text: str, choices: Sequence[Choice] = (), *, multi: bool = False,
            ask_location: bool = False, chosen: Sequence[str] = ()) -> Outbound:
        hint = ""
        if choices:
            hint = self.reply_hint(len(choices), multi=multi)
        return Outbound(
            text=text,
            options=tuple(Option(c.id, c.label) for c in choices),
            multi=multi,
            ask_location=ask_location,
            reply_hint=hint,
            chosen=tuple(chosen),
        )

    def reply_hint(self, count: int, *, multi: bool) -> str:
        if multi:
            return self.t("common.hint_multi")
        if count == 2:
            return self.t("common.hint_two")
        return self.t("common.hint_single", last=count)

    def now(self) -> datetime:
        return self.clock.now()


class Conversation(Protocol):
    """A conversation the engine can run. Names are stored, so never rename one lightly."""

    name: str
    # Left for something else (a command, care), it is picked up again afterwards.
    resumable: bool
    # In a peer chat, what the person types here is for us, never passed to their peer.
    holds_focus: bool

    def start(self, ctx: Context, profile: Profile, **options: Any) -> Turn: ...

    def handle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Turn: ...

    def reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> list[Outbound]:
        """The question the person was last asked, to pick up where they left off."""
        ...


class Everyday(Protocol):
    """The small commands that work anywhere (`conversations/everyday.py`)."""

    def help_messages(self, ctx: Context) -> list[Outbound]: ...

    def pause(self, ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]: ...

    def resume(self, ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]: ...

    def not_today(self, ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]: ...

    def pause_week(self, ctx: Context, profile: Profile) -> tuple[list[Outbound], Profile]: ...


class PeerTalk(Protocol):
    """Words about a peer chat, read before any conversation (`conversations/peer.py`)."""

    def reports(self, ctx: Context, event: Inbound) -> bool: ...

    def handle(self, ctx: Context, profile: Profile, event: Inbound) -> Turn | None: ...

    def answer(self, ctx: Context, profile: Profile, event: Inbound) -> Turn | None: ...

    def commands(self, ctx: Context, event: Inbound) -> PeerAction | None: ...


@dataclass(frozen=True)
class Intercepted:
    """An interceptor took the message. `state`: where they are afterwards, with their
    profile as it was (None: the turn is followed like any conversation's, hand-overs and
    a way back included). `about_chat`: words about a peer chat, not a conversation's
    (they carry no "Move Mates:" in a chat)."""

    turn: Turn
    state: FlowState | None = None
    about_chat: bool = False


class Interceptor(Protocol):
    """Reads a message before the conversation someone is in, once STOP, the safety
    screen and the commands have had it, and may take it: the duty team's ALERT commands,
    volunteers' commands, peer support (offers, consent, the chat itself); later a
    coordinator taking over. `bot/app.py` lists them in the order they run."""

    name: str

    def intercept(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound,
                  current: Conversation | None) -> Intercepted | None:
        """Take the message (`current`: the conversation they are in, if any), or None."""
        ...

    def unclaimed(self, ctx: Context, state: FlowState, profile: Profile,
                  event: Inbound) -> Intercepted | None:
        """Words the question they were on could not use: take them (a chat's "anything
        you send goes to them"), or None."""
        ...


@dataclass(frozen=True)
class Registry(Mapping[str, Conversation]):
    """Every conversation by its stored name, and which one plays each part, so the engine
    names none itself (built by `conversations.registry()`)."""

    conversations: Mapping[str, Conversation]
    newcomer: str  # meets someone new
    idle: str  # between conversations: the menu
    care: str  # offered when someone is struggling
    link: str  # joining a second channel
    checkin: str  # the planned check-in, which distress answers in its own way
    commands: Mapping[str, str]  # a command (`core.commands.Command`) -> the flow it starts
    # A planned reminder's kind -> (the conversation it starts, its options).
    time_events: Mapping[str, tuple[str, Mapping[str, object]]]
    everyday: Everyday
    peer: PeerTalk
    duty_commands: Callable[[Inbound], AlertAction | None]  # ALERT ... for the duty team

    def __getitem__(self, name: str) -> Conversation:
        return self.conversations[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.conversations)

    def __len__(self) -> int:
        return len(self.conversations)
