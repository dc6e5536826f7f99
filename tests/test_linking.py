"""One person on two channels, through the real engine and storage (SQLite and PostgreSQL):
LINK MY PHONE on Telegram with a texted code, LINK TELEGRAM from SMS with a t.me link, and
what joining keeps (answers, history, chats, opt-outs), where messages then go, STOP on one
channel, "my data" and erasure of both."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.content import library
from bot.core.events import Address, Inbound
from bot.peers.models import PeerChat
from bot.scheduling import planner
from bot.storage import linking
from bot.storage import repository as repo
from bot.storage.models import HealthDetail, Identity, LinkCode, Person, Reminder
from support.engine import ONBOARDING, START, RecordingSender, running, say

EN = library().for_language("en")
PHONE = Address("sms", "+447700900555")
TG = Address("telegram", "7001")


def bot_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"telegram_bot_username": "MoveMatesTestBot"})


def texts(sender: RecordingSender, who: Address, since: int = 0) -> list[str]:
    return [i.message.text for i in sender.sent[since:] if i.address == who.address]


async def people(services, who: Address) -> int:  # type: ignore[no-untyped-def]
    return await services.db.run(lambda c: c.scalar(select(func.count()).select_from(Person)))


async def identity_owner(services, who: Address) -> int | None:  # type: ignore[no-untyped-def]
    return await services.db.run(lambda c: c.scalar(select(Identity.person_id).where(
        Identity.channel == who.channel, Identity.address == who.address)))


def code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


async def sms_resident_then_telegram(services, senders) -> int:  # type: ignore[no-untyped-def]
    """Margaret onboards by text; later she writes on Telegram and asks for a code."""
    await say(services, PHONE, *ONBOARDING, "2")
    await say(services, TG, "hi", "link my phone")
    await services.dispatcher.drain()
    return len(senders["sms"].sent)


async def test_link_my_phone_joins_telegram_to_the_texts_person(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        before = await sms_resident_then_telegram(services, senders)
        sms_person = await identity_owner(services, PHONE)
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.ask_number")
        await say(services, TG, "123")
        await services.dispatcher.drain()
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.bad_number")
        await say(services, TG, "07700 900555")
        await services.dispatcher.drain()
        [code_text] = texts(senders["sms"], PHONE, before)
        code = code_in(code_text)
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.code_sent", digits="0555")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        await say(services, TG, wrong)
        await services.dispatcher.drain()
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.wrong", count=2)
        await say(services, TG, f"{code[:3]} {code[3:]}")
        await services.dispatcher.drain()
        said = texts(senders["telegram"], TG)
        assert EN.text("link.linked") in said[-2:] or said[-1].startswith(EN.text("link.linked"))
        # One person now, the one who joined first, with her answers and both channels.
        assert await identity_owner(services, TG) == sms_person
        assert await people(services, TG) == 1
        await say(services, TG, "2")  # friendly messages by text
        stored = await services.db.run(lambda c: repo.load(c, TG, lock=False))
        assert stored is not None
        profile = repo.to_profile(stored)
        assert profile.name == "Margaret" and profile.answer("reach_by") == "sms"
        assert profile.onboarded_at is not None
        await services.dispatcher.drain()
        mark = len(senders["telegram"].sent)
        await say(services, TG, "my data")
        await services.dispatcher.drain()
        shown = "\n".join(texts(senders["telegram"], TG, mark))
        assert EN.text("privacy.channels.sms") in shown
        assert EN.text("privacy.channels.telegram") in shown
        assert "Margaret" in shown


async def test_a_code_runs_out_and_three_wrong_tries_use_it_up(settings: Settings) -> None:
    clock = FakeClock(START)
    async with running(settings, clock) as (services, senders):
        before = await sms_resident_then_telegram(services, senders)
        await say(services, TG, "+44 7700 900555")
        await services.dispatcher.drain()
        code = code_in(texts(senders["sms"], PHONE, before)[0])
        clock.advance(timedelta(minutes=11))
        await say(services, TG, code)
        await services.dispatcher.drain()
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.expired")
        assert await identity_owner(services, TG) != await identity_owner(services, PHONE)
        # A fresh code; three wrong tries and it can never be used.
        before = len(senders["sms"].sent)
        await say(services, TG, "link my phone", "07700900555")
        await services.dispatcher.drain()
        code = code_in(texts(senders["sms"], PHONE, before)[0])
        wrong = f"{(int(code) + 7) % 1_000_000:06d}"
        await say(services, TG, wrong, wrong, wrong)
        await services.dispatcher.drain()
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.used_up")
        await say(services, TG, "link my phone", "07700900555", code)
        await services.dispatcher.drain()
        assert await identity_owner(services, TG) != await identity_owner(services, PHONE)


async def test_no_more_than_three_codes_a_day_and_none_to_a_number_that_said_stop(
        settings: Settings) -> None:
    async with running(settings) as (services, senders):
        before = await sms_resident_then_telegram(services, senders)
        for _ in range(3):
            await say(services, TG, "07700900555", "link my phone")
        await say(services, TG, "07700900555")
        await services.dispatcher.drain()
        assert len(texts(senders["sms"], PHONE, before)) == 3
        assert texts(senders["telegram"], TG)[-1] == EN.text("link.too_many")
        other = Address("sms", "+447700900556")
        await say(services, other, "hi", "STOP")
        await services.dispatcher.drain()
        sent = len(senders["sms"].sent)
        tg2 = Address("telegram", "7002")
        await say(services, tg2, "hi", "link my phone", "07700900556")
        await services.dispatcher.drain()
        assert len(senders["sms"].sent) == sent
        assert texts(senders["telegram"], tg2)[-1] == EN.text("link.opted_out")


async def test_link_telegram_from_sms_with_a_one_time_link(settings: Settings) -> None:
    async with running(bot_settings(settings)) as (services, senders):
        await say(services, PHONE, *ONBOARDING, "2")
        await services.dispatcher.drain()
        mark = len(senders["sms"].sent)
        await say(services, PHONE, "link telegram")
        await services.dispatcher.drain()
        [sent] = texts(senders["sms"], PHONE, mark)
        found = re.search(r"https://t\.me/MoveMatesTestBot\?start=(link-[A-Za-z0-9_-]{16})",
                          sent)
        assert found, sent
        # She opens it on her new phone: her first message on Telegram.
        await services.engine.handle(TG, Inbound.from_text(f"/start {found.group(1)}"))
        await services.dispatcher.drain()
        said = texts(senders["telegram"], TG)
        assert said[0].startswith(EN.text("link.linked"))
        assert await identity_owner(services, TG) == await identity_owner(services, PHONE)
        assert await people(services, TG) == 1
        # A link works once.
        other = Address("telegram", "7003")
        await services.engine.handle(other, Inbound.from_text(f"/start {found.group(1)}"))
        await services.dispatcher.drain()
        assert texts(senders["telegram"], other)[0] == EN.text("link.link_used")
        assert await identity_owner(services, other) != await identity_owner(services, PHONE)


async def test_without_a_telegram_bot_link_telegram_says_so(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await say(services, PHONE, *ONBOARDING, "2", "link telegram")
        await services.dispatcher.drain()
        assert texts(senders["sms"], PHONE)[-1].startswith(EN.text("link.telegram_off"))


async def linked(services, senders) -> int:  # type: ignore[no-untyped-def]
    before = await sms_resident_then_telegram(services, senders)
    await say(services, TG, "07700900555")
    await services.dispatcher.drain()
    await say(services, TG, code_in(texts(senders["sms"], PHONE, before)[0]))
    person = await identity_owner(services, TG)
    assert person is not None and person == await identity_owner(services, PHONE)
    return person


async def test_stop_by_text_stops_texts_only_and_says_so(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await linked(services, senders)
        await say(services, TG, "1")  # friendly messages on Telegram
        mark = len(senders["sms"].sent)
        await say(services, PHONE, "STOP")
        await services.dispatcher.drain()
        [stopped] = texts(senders["sms"], PHONE, mark)
        assert stopped == EN.text("optout.stopped_channel", channel="texts", other="Telegram")
        await say(services, TG, "help")
        await services.dispatcher.drain()
        assert texts(senders["telegram"], TG)[-1]  # Telegram still answers
        mark = len(senders["sms"].sent)
        await say(services, PHONE, "menu")
        await services.dispatcher.drain()
        assert texts(senders["sms"], PHONE, mark) == []


async def test_deleting_from_either_channel_removes_both(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await linked(services, senders)
        await say(services, TG, "1", "delete my data", "1")
        assert await identity_owner(services, TG) is None
        assert await identity_owner(services, PHONE) is None
        left = await services.db.run(lambda c: c.scalar(select(func.count()).select_from(
            LinkCode)))
        assert left == 0


async def test_friendly_messages_go_where_they_chose(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        person = await linked(services, senders)
        now = services.clock.now()
        await say(services, TG, "2")  # by text, though she last wrote on Telegram
        await services.db.run(lambda c: repo.add_reminder(c, person, "checkin", now, {}, now))
        due = await services.db.run(lambda c: planner.due_reminders(c, now + timedelta(
            minutes=1)))
        assert [(d[3], d[4]) for d in due] == [("sms", PHONE.address)]


async def test_joining_moves_every_row_and_keeps_the_first_persons_own(
        settings: Settings) -> None:
    """Storage level: chats, reminders and health details of the later person move to the
    earlier one; where both hold the one row allowed (health details), the earlier's stays."""
    async with running(settings) as (services, _senders):
        await say(services, PHONE, *ONBOARDING, "2")  # health details kept: "Arthritis"
        await services.engine.handle(TG, Inbound.from_text("hi"))
        third_address = Address("telegram", "7009")
        await services.engine.handle(third_address, Inbound.from_text("hi"))
        first = await identity_owner(services, PHONE)
        second = await identity_owner(services, TG)
        third = await identity_owner(services, third_address)
        assert first is not None and second is not None
        now = services.clock.now()

        def prepare(c):  # type: ignore[no-untyped-def]
            c.execute(HealthDetail.__table__.insert().values(
                person_id=second, notes="later notes", updated_at=now))
            c.execute(Person.__table__.update().where(Person.id == second).values(
                consent_health=True))
            c.execute(PeerChat.__table__.insert().values(
                resident_id=second, supporter_id=third, status="ended", created_at=now,
                updated_at=now))
            repo.add_reminder(c, second, "suggestion", now + timedelta(days=3), {}, now)
            return linking.join(c, second, first, now)

        kept = await services.db.run(prepare)
        assert kept == first
        notes = await services.db.run(lambda c: list(c.scalars(select(HealthDetail.notes))))
        assert notes == ["Arthritis"]
        chats = await services.db.run(lambda c: c.execute(select(PeerChat.resident_id)).all())
        assert [tuple(r) for r in chats] == [(first,)]
        # Two people who chat with each other are never joined into one.
        await services.db.run(lambda c: c.execute(PeerChat.__table__.insert().values(
            resident_id=first, supporter_id=third, status="active", created_at=now,
            updated_at=now)))
        refused = await services.db.run(lambda c: linking.joinable(c, first, third))
        assert refused is False
        owners = await services.db.run(lambda c: set(c.scalars(select(Reminder.person_id))))
        assert owners == {first}
        assert await people(services, TG) == 2  # the first, and the third they chat with


async def test_linking_in_a_peer_chat_never_passes_the_number_or_code_on(
        settings: Settings) -> None:
    """A Telegram resident in a chat links their phone: the number and the code are
    answers to us, not words for the peer, even a number we cannot use."""
    from support.peers import peer_world

    async with peer_world(settings) as w:
        await w.supporter(Address("sms", "+447700900590"), "Sam")
        await w.resident(TG, "Ann")
        await w.asks_for_buddy(TG)
        await w.connected(TG, Address("sms", "+447700900590"))
        await w.says(TG, "link my phone")
        heard = await w.says(TG, "0116 254 1234")  # a landline: asked again, not relayed
        assert Address("sms", "+447700900590") not in heard
        heard = await w.says(TG, "07700 900555")
        code = code_in(heard.text(PHONE))
        assert Address("sms", "+447700900590") not in heard
        heard = await w.says(TG, code)
        assert Address("sms", "+447700900590") not in heard
        assert "Move Mates:" in heard.text(TG)


async def test_a_link_opened_after_stop_on_telegram_opts_in_and_links(
        settings: Settings) -> None:
    async with running(bot_settings(settings)) as (services, senders):
        await say(services, PHONE, *ONBOARDING, "2")
        await say(services, TG, "hi", "STOP")
        await services.dispatcher.drain()
        mark = len(senders["sms"].sent)
        await say(services, PHONE, "link telegram")
        await services.dispatcher.drain()
        [sent] = texts(senders["sms"], PHONE, mark)
        token = re.search(r"start=(link-[A-Za-z0-9_-]+)", sent)
        assert token
        await say(services, TG, f"/start {token.group(1)}")
        await services.dispatcher.drain()
        assert texts(senders["telegram"], TG)[-1]  # answered: opted back in
        assert await identity_owner(services, TG) == await identity_owner(services, PHONE)
