"""Helpers for the suggestion tests (tests/test_suggest*.py): people set up with exactly the
answers a test needs, a small catalogue whose facts each test can reason about, and a
way to talk to the real engine and read back exactly what it queued in reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from bot.app import Services
from bot.core.content import Content, library
from bot.core.events import Address, EventKind, Inbound, Outbound, ref_token
from bot.core.turn import FlowState, Profile
from bot.places.ranking import RankingIndex
from bot.places.schema import Accessibility, Opportunity, Slot
from bot.storage import repository as repo
from bot.storage.models import OutboxMessage, Person, Reminder

EN: Content = library().for_language("en")

# Someone in LE4 who likes walking, any day, any time: the plainest person to suggest to.
WALKER: dict[str, Any] = {"activities": ["walking"], "helps": ["nothing"], "days": ["any"],
                          "times": ["varies"], "with_whom": ["alone"], "where": ["outdoors"]}


def place(id: str, **fields: Any) -> Opportunity:
    """A free drop-in park in LE4 for walkers, known to nobody's team (unverified)."""
    base: dict[str, Any] = dict(
        kind="place", name=id.replace("-", " ").title(), summary="A place to walk.",
        source="test", activities=("walking",), setting="outdoors", company=("alone",),
        district="LE4", cost="free", level="any", booking="drop_in")
    base.update(fields)
    return Opportunity(id=id, **base)


def session(id: str, *slots: Slot, **fields: Any) -> Opportunity:
    """A weekly session in LE4, at the given times."""
    return place(id, kind="session", schedule=slots, **fields)


def step_free(value: bool | None) -> Accessibility:
    return Accessibility(step_free=value)


def use_catalogue(services: Services, *opportunities: Opportunity) -> RankingIndex:
    index = RankingIndex(opportunities)
    services.engine.use_places(index)
    return index


def label(option_id: str, options: str) -> str:
    return EN.text(f"options.{options}.{option_id}.label")


@dataclass
class Chat:
    """One person talking to the real engine; each call returns what was queued in reply."""

    services: Services
    address: Address
    last: list[Outbound] = field(default_factory=list)

    async def send(self, text: str) -> list[Outbound]:
        return await self.event(Inbound.from_text(text))

    async def press(self, option_id: str, ref: str | None = None) -> list[Outbound]:
        """A button press, as the Telegram channel delivers it: with the token of the
        question the keyboard belonged to (the last question asked, unless `ref` says)."""
        asked = ref if ref is not None else self.question().ref
        return await self.event(Inbound(EventKind.CHOICE, choice=option_id,
                                        payload={"ref_token": ref_token(asked)}))

    async def event(self, event: Inbound) -> list[Outbound]:
        handled = await self.services.engine.handle(self.address, event)
        self.last = await queued(self.services, handled.outbox_ids)
        return self.last

    def question(self) -> Outbound:
        """The last message of the last reply that asked something."""
        asking = [m for m in self.last if m.options or m.ask_location]
        assert asking, f"no question in {texts(self.last)}"
        return asking[-1]

    def options(self) -> list[str]:
        return [o.id for o in self.question().options]

    def labels(self) -> list[str]:
        return [o.label for o in self.question().options]

    def number(self, option_id: str) -> str:
        """What an SMS user types to pick this option."""
        return str(self.options().index(option_id) + 1)

    async def pick(self, option_id: str, channel_way: str = "sms") -> list[Outbound]:
        """Choose an option the way this channel would: a number or a button press."""
        if channel_way == "sms":
            return await self.send(self.number(option_id))
        return await self.press(option_id)

    def idea_lines(self) -> dict[str, str]:
        """Each idea in the last list, by id: its own numbered paragraph ("2. Abbey Park.
        It's free. ..."), wherever the channel put it (SMS joins several into one text)."""
        paragraphs = [p for m in self.last for p in m.text.split("\n\n")]
        found = {}
        for number, option in enumerate(self.question().options, 1):
            for paragraph in paragraphs:
                if paragraph.startswith(f"{number}. {option.label}. "):
                    found[option.id] = paragraph
        return found

    async def profile(self) -> Profile:
        stored = await self.services.db.run(
            lambda c: repo.load(c, self.address, lock=False))
        assert stored is not None
        return repo.to_profile(stored)

    async def state(self) -> FlowState:
        stored = await self.services.db.run(
            lambda c: repo.load(c, self.address, lock=False))
        assert stored is not None
        return repo.to_state(stored)

    async def person_id(self) -> int:
        return int((await self.profile()).person_id or 0)

    async def set(self, **values: Any) -> None:
        """Change the stored person directly (as another conversation might have)."""
        person_id = await self.person_id()
        await self.services.db.run(lambda c: c.execute(
            update(Person).where(Person.id == person_id).values(**values)))


def texts(messages: list[Outbound]) -> str:
    return "\n".join(m.text for m in messages)


async def queued(services: Services, ids: list[int]) -> list[Outbound]:
    if not ids:
        return []

    def read(connection: Connection) -> list[Outbound]:
        rows = connection.execute(select(OutboxMessage.id, OutboxMessage.payload)
                                  .where(OutboxMessage.id.in_(ids))).all()
        by_id = {row.id: Outbound.from_json(row.payload) for row in rows}
        return [by_id[i] for i in ids]

    return await services.db.run(read)


async def resident(services: Services, address: Address, *, answers: dict[str, Any] | None = None,
                   district: str | None = "LE4", consent: bool = True, name: str = "Ann",
                   **values: Any) -> Chat:
    """Someone who has finished onboarding with exactly these answers, between chats."""
    await services.engine.handle(address, Inbound.from_text("hi"))
    chat = Chat(services, address)
    now = services.clock.now()
    await chat.set(name=name, answers=dict(WALKER if answers is None else answers),
                   district=district, consent_encouragement=consent, consent_health=False,
                   onboarded_at=now, flow=None, step=None, flow_data={}, **values)
    # What onboarding said is not what these tests are about.
    await services.db.run(lambda c: c.execute(update(OutboxMessage).values(status="sent")))
    return chat


async def reminders(services: Services, kind: str | None = None, person_id: int | None = None,
                    ) -> list[tuple[str, datetime, str, dict[str, Any]]]:
    """(kind, due_at, status, payload) of every reminder (of one kind, for one person),
    earliest first."""
    def read(connection: Connection) -> list[tuple[str, datetime, str, dict[str, Any]]]:
        query = select(Reminder.kind, Reminder.due_at, Reminder.status, Reminder.payload)
        if kind is not None:
            query = query.where(Reminder.kind == kind)
        if person_id is not None:
            query = query.where(Reminder.person_id == person_id)
        return [(r.kind, r.due_at, r.status, dict(r.payload or {}))
                for r in connection.execute(query.order_by(Reminder.due_at, Reminder.id))]

    return await services.db.run(read)


async def add_reminder(services: Services, chat: Chat, kind: str, due: datetime,
                       expires: datetime | None = None, **payload: Any) -> None:
    """A reminder as the planner (or an earlier "I'd like to go") would have stored it."""
    person_id = await chat.person_id()

    def insert(connection: Connection) -> None:
        connection.execute(Reminder.__table__.insert().values(
            person_id=person_id, kind=kind, slot_date=_local_day(due), due_at=due,
            expires_at=expires or due + timedelta(hours=3), payload=payload,
            status="pending", created_at=services.clock.now()))

    await services.db.run(insert)


def _local_day(moment: datetime) -> date:
    from bot.core.london import local_date

    return local_date(moment)
