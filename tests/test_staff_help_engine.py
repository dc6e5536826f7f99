""""Talk to a person" through the real engine, storage and dispatcher, with a fixed clock,
on SQLite and PostgreSQL: residents ask on SMS and on Telegram, in and out of the team's
hours; a member of staff picks the request up, holds the conversation (the resident's
messages go to its thread, and nothing from the bot), replies, and hands back; STOP ends a
hold at once and nothing more goes; a crisis while held still gets its urgent reply and an
alert; "my data" shows the requests and "delete my data" erases them.

The staff side is `bot.staff.help`, as the console calls it (the console's HTTP is
tests/test_console_requests.py; the browser, tests/browser/)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot import jobs
from bot.config import Settings
from bot.core.events import Address, Inbound
from bot.safety.models import SafetyAlert
from bot.staff import accounts, help
from bot.staff.models import TeamMessage, TeamRequest
from bot.storage.models import AuditEntry, OutboxMessage, Person
from support.engine import ONBOARDING
from support.peers import Heard, PeerWorld, peer_world

RESIDENT = Address("sms", "+447700900611")
TELEGRAM = Address("telegram", "611611")
PRICING = help.Pricing(0.04)


@dataclass
class Desk:
    """The world, and the staff who answer (as the console calls `bot.staff.help`)."""

    world: PeerWorld

    async def staff(self, name: str = "Sam Jones", role: str = "moderator") -> help.Staff:
        now = self.world.clock.now()
        email = f"{name.split()[0].lower()}@example.org"
        account = await self.world.db(lambda c: accounts.add(c, email, name, role, now))
        return help.Staff(account.id, account.display_name)

    async def request(self, who: Address) -> help.Request:
        person = await self.world.person_id(who)
        found = await self.world.db(lambda c: c.execute(
            select(TeamRequest.id).where(TeamRequest.person_id == person)
            .order_by(TeamRequest.id.desc())).scalar())
        assert found is not None, f"no request from {who}"
        request = await self.world.db(lambda c: help.get(c, int(found)))
        assert request is not None
        return request

    async def act(self, work: Any) -> Any:
        """A staff action, then whatever it queued is sent."""
        self.world.clock.advance(timedelta(seconds=5))
        done = await self.world.db(work)
        return done, await self.world.delivered()

    async def claim(self, request_id: int, staff: help.Staff) -> tuple[help.Done, Heard]:
        content = self.world.services.content
        return await self.act(lambda c: help.claim(c, content, request_id, staff,
                                                   self.world.clock.now()))

    async def reply(self, request_id: int, staff: help.Staff, text: str
                    ) -> tuple[help.Done, Heard]:
        content = self.world.services.content
        return await self.act(lambda c: help.send(c, content, request_id, staff, text,
                                                  PRICING, self.world.clock.now()))

    async def hand_back(self, request_id: int, staff: help.Staff, outcome: str
                        ) -> tuple[help.Done, Heard]:
        content = self.world.services.content
        return await self.act(lambda c: help.hand_back(c, content, request_id, staff, outcome,
                                                       self.world.clock.now()))

    async def thread(self, request_id: int) -> list[tuple[str, str | None]]:
        lines = await self.world.db(lambda c: help.thread(c, request_id))
        return [(line.direction, line.text) for line in lines]

    async def state(self, who: Address) -> tuple[Any, Any, dict[str, Any]]:
        person = await self.world.person_id(who)
        row = await self.world.db(lambda c: c.execute(select(
            Person.flow, Person.step, Person.flow_data).where(Person.id == person)).one())
        return row.flow, row.step, dict(row.flow_data or {})


@asynccontextmanager
async def desk(settings: Settings, start: datetime | None = None) -> AsyncIterator[Desk]:
    kwargs = {"start": start} if start else {}
    async with peer_world(settings, **kwargs) as world:
        yield Desk(world)


async def test_on_sms_in_hours_held_answered_and_handed_back(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "suggest")  # in the middle of something of the bot's
        heard = await world.says(RESIDENT, "Can I speak to a real person please?")
        said = heard.text(RESIDENT)
        assert "I've asked the Move Mates team" in said
        assert "They're working now, until 5pm today." in said
        assert "116 123" in said and "NHS 111" in said and "999" in said
        request = await d.request(RESIDENT)
        assert (request.status, request.channel, request.out_of_hours) == ("waiting", "sms",
                                                                           False)
        assert await d.thread(request.id) == [("in", "Can I speak to a real person please?")]
        flow_before = (await d.state(RESIDENT))[:2]

        sam = await d.staff("Sam Jones", "moderator")
        done, heard = await d.claim(request.id, sam)
        assert done.outcome == "claimed"
        assert heard.only(RESIDENT).startswith("Sam from the Move Mates team has your message")
        flow, step, data = await d.state(RESIDENT)
        assert (flow, step, data["request"], data["staff"]) == ("staff_help", "held",
                                                               request.id, "Sam")
        assert (data["resume"]["flow"], data["resume"]["step"]) == flow_before

        # Held: their words go to the thread; the bot says nothing.
        heard = await world.says(RESIDENT, "The stairs at the leisure centre are too steep for me")
        assert heard.texts(RESIDENT) == []
        heard = await world.says(RESIDENT, "walking")  # an answer the bot's question took
        assert heard.texts(RESIDENT) == []
        assert [t for _d, t in await d.thread(request.id)][-2:] == [
            "The stairs at the leisure centre are too steep for me", "walking"]
        # An everyday command still works, and reminds them who they are talking to.
        heard = await world.says(RESIDENT, "help")
        assert "You're talking with Sam from the Move Mates team" in heard.text(RESIDENT)
        heard = await world.says(RESIDENT, "ok")
        assert heard.texts(RESIDENT) == []

        # The reply: recorded in the outbox before it is sent, then sent by SMS.
        content = world.services.content
        preview = await world.db(lambda c: help.preview(
            c, content, request.id, sam, "Hi Margaret, the pool at Braunstone has a lift.",
            PRICING))
        assert preview is not None and preview.channel == "sms"
        assert (preview.segments, preview.cost) == (1, 0.04)
        done = await world.db(lambda c: help.send(
            c, content, request.id, sam, "Hi Margaret, the pool at Braunstone has a lift.",
            PRICING, world.clock.now()))
        assert done.outcome == "sent"
        queued = await world.rows(OutboxMessage, OutboxMessage.kind == "team",
                                  OutboxMessage.status == "queued")
        assert [q["payload"]["text"] for q in queued] == [
            "Move Mates team (Sam): Hi Margaret, the pool at Braunstone has a lift."]
        heard = await world.delivered()
        assert heard.only(RESIDENT) == \
            "Move Mates team (Sam): Hi Margaret, the pool at Braunstone has a lift."
        [line] = await world.rows(TeamMessage, TeamMessage.direction == "out",
                                  TeamMessage.kind == "text")
        assert (line["segments"], line["channel"], line["outbox_id"]) == (
            1, "sms", queued[0]["id"])

        # Handed back: told, and back where they were with the bot.
        done, heard = await d.hand_back(request.id, sam, "")
        assert done.outcome == "need_outcome" and heard.texts(RESIDENT) == []
        done, heard = await d.hand_back(request.id, sam, "Told her about the lift.")
        assert done.outcome == "handed_back"
        assert "You are back with the Move Mates bot" in heard.only(RESIDENT)
        assert (await d.state(RESIDENT))[:2] == flow_before
        heard = await world.says(RESIDENT, "menu")
        assert "What would you like to do?" in heard.text(RESIDENT)  # the bot again
        request = await d.request(RESIDENT)
        assert (request.status, request.ended_by, request.outcome) == (
            "closed", "staff", "Told her about the lift.")
        done, heard = await d.reply(request.id, sam, "one more thing")
        assert done.outcome == "already_closed" and heard.texts(RESIDENT) == []

        actions = [(a["action"], a["actor_staff_id"]) for a in await world.rows(AuditEntry)]
        assert ("team_request_claimed", sam.id) in actions
        assert ("team_reply_sent", sam.id) in actions
        assert ("team_request_handed_back", sam.id) in actions
        # The audit log holds no one's words.
        assert not any("lift" in str(a["detail"]) for a in await world.rows(AuditEntry))


async def test_on_telegram_out_of_hours_they_hear_when(settings: Settings) -> None:
    saturday = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)
    async with desk(settings, saturday) as d:
        world = d.world
        await world.says(TELEGRAM, "hello")
        heard = await world.says(TELEGRAM, "i need someone to talk to")
        assert "Who would you like to talk to?" in heard.text(TELEGRAM)
        assert [o.label for o in heard[TELEGRAM][-1].options] == [
            "A peer supporter", "A person from the team", "Neither, carry on"]
        heard = await world.presses(TELEGRAM, "team")
        said = heard.text(TELEGRAM)
        assert "They're not working right now." in said
        assert "reply here on Monday, after 9am." in said
        assert "Samaritans are free on 116 123" in said
        request = await d.request(TELEGRAM)
        assert request.out_of_hours and request.channel == "telegram"
        assert request.reply_after == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
        # Asking again keeps the one request, and adds their words to it.
        await world.says(TELEGRAM, "can i talk to a human")
        assert len(await world.rows(TeamRequest)) == 1
        assert await d.thread(request.id) == [("in", "can i talk to a human")]

        # Monday: picked up, answered on Telegram (no SMS cost shown).
        world.clock.set(datetime(2026, 3, 9, 9, 5, tzinfo=UTC))
        kim = await d.staff("Kim Patel", "coordinator")
        done, heard = await d.claim(request.id, kim)
        assert done.outcome == "claimed" and "Kim from the Move Mates team" in \
            heard.only(TELEGRAM)
        content = world.services.content
        preview = await world.db(lambda c: help.preview(c, content, request.id, kim,
                                                        "Morning! How can I help?", PRICING))
        assert preview is not None and (preview.channel, preview.segments, preview.cost) == (
            "telegram", 0, 0.0)
        done, heard = await d.reply(request.id, kim, "Morning! How can I help?")
        assert heard.only(TELEGRAM) == "Move Mates team (Kim): Morning! How can I help?"


async def test_stop_ends_a_hold_at_once_and_nothing_more_goes(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "talk to a person")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        heard = await world.says(RESIDENT, "STOP")
        assert heard.only(RESIDENT).startswith("You won't get any more messages")
        done, heard = await d.reply(request.id, sam, "Are you still there?")
        assert done.outcome == "stopped" and heard.texts(RESIDENT) == []
        assert await world.rows(OutboxMessage, OutboxMessage.kind == "team",
                                OutboxMessage.payload["text"].as_string().contains(
                                    "still there")) == []
        request = await d.request(RESIDENT)
        assert (request.status, request.ended_by) == ("closed", "stop")
        assert (await d.state(RESIDENT))[0] != "staff_help"
        done, heard = await d.hand_back(request.id, sam, "They stopped.")
        assert done.outcome == "already_closed" and heard.texts(RESIDENT) == []
        refused = [a for a in await world.rows(AuditEntry)
                   if a["action"] == "team_reply_refused"]
        assert [r["detail"] for r in refused] == ["stop"]


async def test_stop_then_start_before_staff_look_still_ends_the_hold(settings: Settings
                                                                      ) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "a real person please")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        await world.says(RESIDENT, "stop")
        await world.says(RESIDENT, "start")
        heard = await world.says(RESIDENT, "sorry, that was a mistake")
        assert "You're back with the Move Mates bot" in heard.text(RESIDENT)
        assert (await d.state(RESIDENT))[0] != "staff_help"
        assert "sorry, that was a mistake" not in [t for _d, t in await d.thread(request.id)]
        done, heard = await d.reply(request.id, sam, "Hello?")
        assert done.outcome in ("stopped", "already_closed") and heard.texts(RESIDENT) == []


async def test_a_crisis_while_held_gets_the_urgent_reply_and_an_alert(settings: Settings
                                                                       ) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "can i talk to a human")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        heard = await world.says(RESIDENT, "i want to end my life")
        assert "116 123" in heard.text(RESIDENT)  # the crisis reply, at once
        [alert] = await world.rows(SafetyAlert)
        assert (alert["category"], alert["person_id"]) == ("crisis",
                                                           await world.person_id(RESIDENT))
        # Still held: the next words go to the thread.
        heard = await world.says(RESIDENT, "sorry. it's just been a long week")
        assert heard.texts(RESIDENT) == []
        assert (await d.thread(request.id))[-1] == ("in", "sorry. it's just been a long week")
        assert (await d.state(RESIDENT))[:2] == ("staff_help", "held")


async def test_while_held_planned_check_ins_wait(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "talk to a real person")
        request = await d.request(RESIDENT)
        await d.claim(request.id, await d.staff())
        handled = await world.services.engine.handle(RESIDENT, Inbound.timeout("checkin"))
        assert handled.outbox_ids == []
        assert (await world.delivered()).texts(RESIDENT) == []


async def test_while_held_no_friendly_message_goes_and_after_they_come_again(
        settings: Settings) -> None:
    """The bot's planned messages (nudges, ideas) already queued are dropped at the hold,
    none is planned while it lasts, and planning takes them up again once handed back."""
    async with desk(settings) as d:
        world = d.world
        # Onboarded asking for messages on most days, any day (as tests/test_scheduling.py).
        answers = list(ONBOARDING)
        answers[7], answers[9] = "8", "3"
        await world.conversation(RESIDENT, *answers, "2")
        person = await world.person_id(RESIDENT)

        async def planned() -> int:
            return int(await world.db(lambda c: c.scalar(select(func.count()).where(
                OutboxMessage.person_id == person, OutboxMessage.status == "queued",
                OutboxMessage.slot_kind.is_not(None)))) or 0)

        await jobs.plan_encouragement(world.services)
        assert await planned() > 0  # the test means something: there were some to drop
        await world.says(RESIDENT, "talk to a real person")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        assert await planned() == 0
        await jobs.plan_encouragement(world.services)
        assert await planned() == 0  # not planned while held
        world.clock.advance(timedelta(days=3))
        await jobs.run_due_jobs(world.services)
        assert (await world.delivered()).texts(RESIDENT) == []
        await d.hand_back(request.id, sam, "talked it through")
        await jobs.plan_encouragement(world.services)
        assert await planned() > 0


async def test_a_colleague_takes_over_and_only_the_holder_replies(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.says(RESIDENT, "hi")
        await world.says(RESIDENT, "talk to someone from the team")
        request = await d.request(RESIDENT)
        sam, kim = await d.staff("Sam Jones"), await d.staff("Kim Patel", "coordinator")
        assert (await d.claim(request.id, sam))[0].outcome == "claimed"
        assert (await d.claim(request.id, sam))[0].outcome == "already_yours"
        done, heard = await d.reply(request.id, kim, "Hello from Kim")
        assert done.outcome == "not_yours" and heard.texts(RESIDENT) == []
        done, heard = await d.claim(request.id, kim)
        assert done.outcome == "taken_over"
        assert heard.only(RESIDENT).startswith("Kim from the Move Mates team")
        assert (await d.state(RESIDENT))[2]["staff"] == "Kim"
        assert (await d.reply(request.id, sam, "Sam here"))[0].outcome == "not_yours"
        done, heard = await d.reply(request.id, kim, "Hello from Kim")
        assert heard.only(RESIDENT) == "Move Mates team (Kim): Hello from Kim"
        # Their state keeps the way back through the take-over: the welcome they were in.
        await d.hand_back(request.id, kim, "Sorted.")
        assert (await d.state(RESIDENT))[0] == "onboarding"


async def test_a_long_reply_costs_more_and_too_long_is_refused(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "human")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        content = world.services.content
        words = "The walking group meets by the cafe at ten on Saturdays. " * 4
        preview = await world.db(lambda c: help.preview(c, content, request.id, sam, words,
                                                        PRICING))
        assert preview is not None and preview.segments == 2 and preview.cost == 0.08
        euro = await world.db(lambda c: help.preview(c, content, request.id, sam,
                                                     "It costs €3 [cash]", PRICING))
        assert euro is not None and euro.segments == 1
        done, _heard = await d.reply(request.id, sam, "x" * (help.MAX_REPLY + 1))
        assert done.outcome == "too_long"
        done, _heard = await d.reply(request.id, sam, "   ")
        assert done.outcome == "need_reply"


async def test_my_data_shows_the_requests_and_delete_erases_them(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "can i speak to a person please")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        await world.says(RESIDENT, "my knee is bad, the stairs are hard")
        heard = await world.says(RESIDENT, "my data")
        assert "Times you asked to talk to a person from our team: 1" in heard.text(RESIDENT)
        await world.says(RESIDENT, "delete my data")
        heard = await world.says(RESIDENT, "1")
        assert "deleted" in heard.text(RESIDENT)
        assert await world.rows(TeamRequest) == []
        assert await world.rows(TeamMessage) == []
        done, heard = await d.reply(request.id, sam, "Still there?")
        assert done.outcome == "no_request" and heard == {}


async def test_old_words_are_forgotten_once_the_talk_is_closed(settings: Settings) -> None:
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "a real person please")
        request = await d.request(RESIDENT)
        sam = await d.staff()
        await d.claim(request.id, sam)
        await d.hand_back(request.id, sam, "Phoned her.")
        later = world.clock.now() + help.WORDS_KEPT_FOR + timedelta(minutes=1)
        forgotten = await world.db(lambda c: help.forget_old_words(c, later))
        assert forgotten >= 2
        assert {t for _d, t in await d.thread(request.id)} == {None}


async def test_asking_for_a_person_is_never_signposted_as_a_medical_question(
        settings: Settings) -> None:
    """The safety screen's second reader reads "can I talk to a human?" as a medical
    question; asked for a person, they reach the team instead of "I can't give medical
    advice". A real medical question is still signposted, and an emergency is still urgent."""
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        heard = await world.says(RESIDENT, "can i talk to a human?")
        assert "I can't give medical advice" not in heard.text(RESIDENT)
        assert "I've asked the Move Mates team" in heard.text(RESIDENT)
        heard = await world.says(RESIDENT, "should I take my insulin before swimming?")
        assert "I can't give medical advice" in heard.text(RESIDENT)
        screen = world.services.engine.language("en").safety
        assert screen.assess("can i talk to someone").medical_question is False
        assert screen.assess("can i talk to a human, i've got crushing chest pain").findings


async def test_a_command_while_held_comes_back_to_the_hold(settings: Settings) -> None:
    """SETTINGS while held runs as ever (its answers are for it, not the team); when it
    ends they are back with whoever holds them now (a colleague took over meanwhile)."""
    async with desk(settings) as d:
        world = d.world
        await world.resident(RESIDENT, "Margaret")
        await world.says(RESIDENT, "talk to a person")
        request = await d.request(RESIDENT)
        sam, kim = await d.staff("Sam Jones"), await d.staff("Kim Patel", "coordinator")
        await d.claim(request.id, sam)
        heard = await world.says(RESIDENT, "settings")
        assert "What would you like to change?" in heard.text(RESIDENT)
        await world.says(RESIDENT, "1")
        await d.claim(request.id, kim)
        heard = await world.says(RESIDENT, "Maggie")
        assert "Done, I've changed that." in heard.text(RESIDENT)
        heard = await world.says(RESIDENT, "14")
        assert "You're talking with Kim from the Move Mates team" in heard.text(RESIDENT)
        assert (await d.state(RESIDENT))[:2] == ("staff_help", "held")
        heard = await world.says(RESIDENT, "thanks Kim")
        assert heard.texts(RESIDENT) == []
        assert (await d.thread(request.id))[-1] == ("in", "thanks Kim")
        assert "Maggie" not in [t for _d, t in await d.thread(request.id)]
