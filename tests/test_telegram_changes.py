"""Telegram changing under us: a group upgraded to a supergroup (new id), a person who
can no longer be reached (403 of every kind), setMyCommands failing at start-up, and 5xx
or network faults on any Bot API call. The real python-telegram-bot against local Bot API
stubs (support/bot_api_stub.py, support/group_api.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select, update

from bot.app import build
from bot.channels import telegram as telegram_module
from bot.channels.telegram import TelegramChannel, TelegramSender, build_application
from bot.channels.telegram_request import RetryingRequest
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Inbound, Outbound
from bot.groups import store
from bot.groups.moderation import GroupModeration
from bot.peers.models import Group, HeldMessage, ModerationCase
from bot.storage import repository as repo
from bot.storage.models import AuditEntry, Identity, OutboxMessage
from support.bot_api_stub import BotApiStub, running_stub
from support.engine import START
from support.group_api import GROUP, Updates, group_bot, person
from support.peers import PeerWorld
from test_serve import clean_env, free_port, start_server, stop, wait_healthy

RESIDENT, SUPPORTER = Address("telegram", "7301"), Address("telegram", "7302")
OLD_GROUP, NEW_GROUP = -4001, -1004001
FORBIDDEN = ["Forbidden: bot was blocked by the user", "Forbidden: user is deactivated",
             "Forbidden: bot was kicked from the group chat",
             "Forbidden: bot can't initiate conversation with a user"]


def quick(settings: Settings, stub: BotApiStub) -> Settings:
    return settings.model_copy(update={"telegram_bot_token": "1:stub",
                                       "telegram_api_base_url": stub.base_url})


def fast_request() -> RetryingRequest:
    return RetryingRequest(first_wait=0.01, max_wait=0.02)


# -- 403: unreachable, and the writer told at once ------------------------------------------
@pytest.mark.parametrize("description", FORBIDDEN, ids=["blocked", "deactivated", "kicked",
                                                        "not_started"])
async def test_the_first_relayed_message_to_someone_gone_tells_the_writer(
        settings: Settings, description: str) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, application, world = await _telegram_chat(quick(settings, stub), stub, clock)
        stub.fail_next(7302, 403, description)
        await world.says(RESIDENT, "See you at Watermead on Saturday?")
        to_ann = [d.text for d in stub.delivered if d.chat_id == 7301]
        assert to_ann == ["Sue can't get messages from us just now, so that one didn't go. "
                          "Your chat stays open, and they'll see new messages if they come "
                          "back. Reply END CHAT if you'd rather finish."]
        assert not [d for d in stub.delivered if d.chat_id == 7302]
        async with services.db.transaction() as session:
            sue = (await session.execute(select(Identity).where(
                Identity.address == "7302"))).scalar_one()
            assert sue.unreachable_at is not None
        # The second message is refused before it is queued, with the same notice: once each.
        stub.delivered.clear()
        await world.says(RESIDENT, "Are you there?")
        assert [d.text[:30] for d in stub.delivered] == ["Sue can't get messages from us"]
        await application.shutdown()
        await services.close()


async def test_a_relay_refused_on_telegram_goes_to_the_readers_phone(
        settings: Settings) -> None:
    """Sue blocked the bot on Telegram but has her phone joined: Ann's words reach her by
    text instead, and Ann is told nothing (there is nothing wrong to tell)."""
    from test_dispatch_order import Recording

    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, application, world = await _telegram_chat(quick(settings, stub), stub, clock)
        sms = Recording("sms")
        services.dispatcher.senders["sms"] = sms

        def join_phone(connection: Connection) -> None:
            sue = repo.load(connection, SUPPORTER, lock=False)
            assert sue is not None
            connection.execute(Identity.__table__.insert().values(
                person_id=sue.person_id, channel="sms", address="+447700900733",
                created_at=START, last_inbound_at=START - timedelta(days=1)))

        await services.db.run(join_phone)
        stub.fail_next(7302, 403, FORBIDDEN[0])
        await world.says(RESIDENT, "See you at Watermead on Saturday?")
        await services.dispatcher.drain()
        assert [(to, "Watermead" in text) for to, text in sms.sent] == \
            [("+447700900733", True)]
        assert not [d for d in stub.delivered if d.chat_id == 7301]  # Ann: nothing to hear
        assert not [d for d in stub.delivered if d.chat_id == 7302]
        # The next one goes straight to her phone.
        await world.says(RESIDENT, "Bring water")
        await services.dispatcher.drain()
        assert [to for to, _ in sms.sent] == ["+447700900733"] * 2
        await application.shutdown()
        await services.close()


async def _telegram_chat(settings: Settings, stub: BotApiStub,
                         clock: FakeClock) -> tuple[Any, Any, PeerWorld]:
    services = build(settings, clock=clock, paced=False)
    application = build_application(settings, polling=False, request=fast_request())
    await application.initialize()
    services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
    world = PeerWorld(services, {}, clock)
    await world.supporter(SUPPORTER, "Sue")
    await world.resident(RESIDENT, "Ann")
    await world.asks_for_buddy(RESIDENT)
    await world.connected(RESIDENT, SUPPORTER)
    # Every test here starts from a made chat: if setting it up went otherwise, say how
    # (each message delivered while setting up), not only what went wrong after it.
    to_ann = [d.text for d in stub.delivered if d.chat_id == 7301]
    assert any(text.startswith("You're now connected with Sue") for text in to_ann), \
        [(d.chat_id, d.text[:90]) for d in stub.delivered]
    stub.delivered.clear()
    return services, application, world


async def test_several_relays_to_someone_gone_each_get_a_notice(settings: Settings) -> None:
    """Written quickly, before any was sent: the first is refused, the others are not even
    tried; the writer hears about every one, none is lost without a word."""
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, application, _world = await _telegram_chat(quick(settings, stub), stub, clock)
        stub.fail_next(7302, 403, FORBIDDEN[0])
        for text in ("Running late", "I'll be at the north gate instead", "Bring water"):
            clock.advance(timedelta(seconds=2))
            await services.engine.handle(RESIDENT, Inbound.from_text(text))
        await services.dispatcher.drain()
        to_ann = [d.text for d in stub.delivered if d.chat_id == 7301]
        assert len(to_ann) == 3 and all(t.startswith("Sue can't get messages") for t in to_ann)
        assert not [d for d in stub.delivered if d.chat_id == 7302]
        await application.shutdown()
        await services.close()


async def test_a_relay_outlives_a_long_outage_and_a_lost_one_is_owned_up_to(
        settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, application, world = await _telegram_chat(quick(settings, stub), stub, clock)
        # Twenty minutes of 502s: longer than the old six tries (about a minute).
        stub.fail_method("sendMessage", 502, "Bad Gateway", times=12)
        await world.says(RESIDENT, "See you at the gate at 10")
        for _ in range(30):
            clock.advance(timedelta(minutes=10))
            await services.dispatcher.drain()
        assert [d.text for d in stub.delivered] == ["Ann: See you at the gate at 10"]
        # When a relay fails for good (here: after three tries), the writer is told.
        services.dispatcher.max_attempts = 3
        stub.delivered.clear()
        stub.fail_method("sendMessage", 502, "Bad Gateway", times=3)
        await world.says(RESIDENT, "Are you coming?")
        for _ in range(5):
            clock.advance(timedelta(minutes=10))
            await services.dispatcher.drain()
        assert [d.text[:30] for d in stub.delivered] == ["Sue can't get messages from us"]
        assert [d.chat_id for d in stub.delivered] == [7301]
        await application.shutdown()
        await services.close()


async def test_a_refused_message_that_was_not_relayed_tells_nobody(settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        services = build(settings, clock=clock, paced=False)
        application = build_application(settings, polling=False, request=fast_request())
        await application.initialize()
        services.dispatcher.senders["telegram"] = TelegramSender(application, services.content)
        stub.fail_next(7301, 403, FORBIDDEN[1])
        await PeerWorld(services, {}, clock).says(RESIDENT, "hi")
        async with services.db.transaction() as session:
            rows = (await session.execute(select(OutboxMessage).order_by(
                OutboxMessage.id))).scalars().all()
        assert [r.status for r in rows] == ["failed", "suppressed"]
        assert rows[0].error == "telegram_forbidden_deactivated"
        await application.shutdown()
        await services.close()


# -- a group upgraded to a supergroup -----------------------------------------------------------
async def test_a_group_upgraded_while_sending_moves_and_nothing_is_dropped(
        settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        services = build(settings, clock=clock, paced=False)
        application = build_application(settings, polling=False, request=fast_request())
        await application.initialize()
        groups = GroupModeration(services.db, clock, services.content, application.bot)
        sender = TelegramSender(application, services.content,
                                on_chat_migrated=groups.chat_migrated)
        services.dispatcher.senders["telegram"] = sender
        now = clock.now()

        def setup(connection: Connection) -> None:
            store.register_group(connection, OLD_GROUP, "Walkers", now)
            store.open_case(connection, now, chat_id=OLD_GROUP, reported_by=None,
                            subject_id=None, subject_telegram_id=5, reason="report",
                            history={})
            for n, text in enumerate(["Welcome, Ann!", "Welcome, Bob!"]):
                repo.queue_messages(connection, person_id=None,
                                    to=Address("telegram", str(OLD_GROUP)),
                                    messages=[Outbound(text)], kind="group", priority=1,
                                    key_prefix=f"g{n}", now=now)
            # One for later (a planned notice): it moves too.
            repo.queue_messages(connection, person_id=None,
                                to=Address("telegram", str(OLD_GROUP)),
                                messages=[Outbound("Later")], kind="group", priority=1,
                                key_prefix="later", now=now, due_at=now + timedelta(hours=1))

        await services.db.run(setup)
        stub.fail_next(OLD_GROUP, 400, "Bad Request: group chat was upgraded to a supergroup "
                       "chat", migrate_to_chat_id=NEW_GROUP)
        assert await services.dispatcher.drain() == 2
        assert [(d.chat_id, d.text) for d in stub.delivered] == \
            [(NEW_GROUP, "Welcome, Ann!"), (NEW_GROUP, "Welcome, Bob!")]
        async with services.db.transaction() as session:
            [group] = (await session.execute(select(Group))).scalars().all()
            [case] = (await session.execute(select(ModerationCase))).scalars().all()
            later = (await session.execute(select(OutboxMessage).where(
                OutboxMessage.status == "queued"))).scalar_one()
        assert group.chat_id == NEW_GROUP and case.group_chat_id == NEW_GROUP
        assert later.address == str(NEW_GROUP)
        clock.advance(timedelta(hours=1))
        assert await services.dispatcher.drain() == 1
        assert stub.delivered[-1].chat_id == NEW_GROUP
        await application.shutdown()
        await services.close()


async def test_the_upgrade_message_moves_queued_group_messages(settings: Settings) -> None:
    async with group_bot(settings) as bot:
        await bot.add_person(9001, "coordinator")
        await bot.feed(bot.updates.promoted(person(9001, "Priya")))
        now = bot.clock.now()
        await bot.services.db.run(lambda c: repo.queue_messages(
            c, person_id=None, to=Address("telegram", str(GROUP)),
            messages=[Outbound("Tomorrow's walk")], kind="group", priority=1, key_prefix="t",
            now=now, due_at=now + timedelta(hours=2)))
        moved = {"message": {"message_id": 900, "date": 1772442000, "chat": bot.updates.chat,
                             "from": person(9001, "Priya"), "migrate_to_chat_id": NEW_GROUP}}
        await bot.feed(moved)
        [queued] = await bot.rows(OutboxMessage, OutboxMessage.status == "queued")
        assert queued.address == str(NEW_GROUP)
        [group] = await bot.rows(Group)
        assert group.chat_id == NEW_GROUP


# The same upgrade seen from the new supergroup (`migrate_from_chat_id`), alone or with the
# old group's message, in either order (break-test F16).
NEW_SUPERGROUP = -1009876543210


@pytest.mark.parametrize("seen", [("from",), ("from", "to"), ("to", "from")],
                         ids=["from_only", "from_then_to", "to_then_from"])
async def test_the_new_supergroups_message_alone_moves_the_group(
        settings: Settings, seen: tuple[str, ...]) -> None:
    async with group_bot(settings) as bot:
        coordinator, newcomer = person(9001, "Priya"), person(2001, "Margaret")
        await bot.add_person(coordinator["id"], "coordinator")
        await bot.add_person(newcomer["id"])
        await bot.feed(bot.updates.promoted(coordinator))
        now = bot.clock.now()
        await bot.services.db.run(lambda c: repo.queue_messages(
            c, person_id=None, to=Address("telegram", str(GROUP)),
            messages=[Outbound("Tomorrow's walk")], kind="group", priority=1, key_prefix="t",
            now=now, due_at=now + timedelta(hours=2)))
        new = Updates(NEW_SUPERGROUP, "Loughborough Walkers", bot.updates.bot)
        messages = {
            "from": {"message": {"message_id": 1, "date": 1772442000, "chat": new.chat,
                                 "from": coordinator, "migrate_from_chat_id": GROUP}},
            "to": {"message": {"message_id": 900, "date": 1772442000,
                               "chat": bot.updates.chat, "from": coordinator,
                               "migrate_to_chat_id": NEW_SUPERGROUP}}}
        for which in seen:
            await bot.feed(messages[which])
        [group] = await bot.rows(Group)
        assert group.chat_id == NEW_SUPERGROUP
        [queued] = await bot.rows(OutboxMessage, OutboxMessage.status == "queued")
        assert queued.address == str(NEW_SUPERGROUP)
        # Moderation is on in the new supergroup: a newcomer's link is held there.
        bot.clock.advance(timedelta(minutes=5))
        await bot.feed(new.joined(newcomer))
        link = "Our walk route: https://example.org/walks/bradgate"
        await bot.feed(new.said(newcomer, link, entities=[
            {"type": "url", "offset": 16, "length": 34}]))
        [held] = await bot.rows(HeldMessage)
        assert held.chat_id == NEW_SUPERGROUP
        moves = [e for e in await bot.rows(AuditEntry) if e.action == "group_moved"]
        assert [(e.target, e.detail) for e in moves] == [
            (f"chat:{NEW_SUPERGROUP}", f"from chat:{GROUP}")]


# A group moved twice (old -> mid -> new): followed to the end, in order (break-test F17).
MID_GROUP = -1004002
LAST_GROUP = -1004003
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"


async def test_a_group_moved_twice_is_followed_to_the_end_in_order(
        settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        services = build(settings, clock=clock, paced=False)
        application = build_application(settings, polling=False, request=fast_request())
        await application.initialize()
        groups = GroupModeration(services.db, clock, services.content, application.bot)
        services.dispatcher.senders["telegram"] = TelegramSender(
            application, services.content, on_chat_migrated=groups.chat_migrated)
        now = clock.now()

        def setup(connection: Connection) -> None:
            store.register_group(connection, OLD_GROUP, "Walkers", now)
            for n, text in enumerate(["One", "Two", "Three"]):
                repo.queue_messages(connection, person_id=None,
                                    to=Address("telegram", str(OLD_GROUP)),
                                    messages=[Outbound(text)], kind="group", priority=1,
                                    key_prefix=f"g{n}", now=now)

        await services.db.run(setup)
        # The old id says "moved to mid"; mid says "moved to last" (each again if asked).
        for _ in range(3):
            stub.fail_next(OLD_GROUP, 400, UPGRADED, migrate_to_chat_id=MID_GROUP)
            stub.fail_next(MID_GROUP, 400, UPGRADED, migrate_to_chat_id=LAST_GROUP)
        await services.dispatcher.drain()
        assert [(d.chat_id, d.text) for d in stub.delivered] == [
            (LAST_GROUP, "One"), (LAST_GROUP, "Two"), (LAST_GROUP, "Three")]
        async with services.db.transaction() as session:
            [group] = (await session.execute(select(Group))).scalars().all()
            rows = (await session.execute(select(OutboxMessage))).scalars().all()
        assert group.chat_id == LAST_GROUP
        assert {(r.status, r.address) for r in rows} == {("sent", str(LAST_GROUP))}
        await application.shutdown()
        await services.close()


async def test_moves_learnt_out_of_order_and_a_row_being_sent_follow_the_group(
        settings: Settings) -> None:
    """mid -> last learnt before old -> mid: the group and its messages still end at the
    last id; and a message being sent when the group moved gets the new address, so its
    retry goes there."""
    clock = FakeClock(START)
    services = build(settings, clock=clock, paced=False)
    now = clock.now()

    def work(connection: Connection) -> list[tuple[str, str]]:
        store.register_group(connection, OLD_GROUP, "Walkers", now)
        for n, status in enumerate(["queued", "claimed", "sending", "sent"]):
            [row] = repo.queue_messages(connection, person_id=None,
                                        to=Address("telegram", str(OLD_GROUP)),
                                        messages=[Outbound(f"m{n}")], kind="group",
                                        priority=1, key_prefix=f"s{n}", now=now)
            connection.execute(update(OutboxMessage).where(OutboxMessage.id == row)
                               .values(status=status))
        store.audit(connection, now, store.MOVED, target=f"chat:{LAST_GROUP}",
                    detail=f"from chat:{MID_GROUP}")
        assert store.migrate_chat(connection, OLD_GROUP, MID_GROUP)
        return [(r.status, r.address) for r in connection.execute(
            select(OutboxMessage).order_by(OutboxMessage.id))]

    rows = await services.db.run(work)
    assert rows == [("queued", str(LAST_GROUP)), ("claimed", str(LAST_GROUP)),
                    ("sending", str(LAST_GROUP)), ("sent", str(OLD_GROUP))]
    async with services.db.transaction() as session:
        [group] = (await session.execute(select(Group))).scalars().all()
    assert group.chat_id == LAST_GROUP
    await services.close()


def test_the_sender_follows_moves_it_knows_of() -> None:
    sender = TelegramSender.__new__(TelegramSender)
    sender._moved = {"-1": "-2", "-2": "-3", "-9": "-8", "-8": "-9"}
    assert sender.moved_to("-1") == "-3"
    assert sender.moved_to("-3") == "-3"
    assert sender.moved_to("-9") in ("-8", "-9")  # a loop never hangs


# -- start-up and passing faults --------------------------------------------------------------
@pytest.mark.parametrize("status,description", [
    (503, "Service Unavailable"), (404, "Not Found: method not found")],
    ids=["5xx", "server_without_it"])
async def test_start_up_survives_set_my_commands_failing(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        status: int, description: str) -> None:
    monkeypatch.setattr(telegram_module, "COMMANDS_FIRST_WAIT", 0.05)
    caplog.set_level(logging.WARNING)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        services = build(settings, paced=False)
        channel = TelegramChannel(settings, services.engine, services.content)
        stub.fail_method("setMyCommands", status, description, times=6)
        await channel.start()  # does not raise, does not wait for the commands
        assert channel.application.updater is not None and channel.application.updater.running
        for _ in range(200):
            if stub.calls["setMyCommands"] > 6:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        assert stub.calls["setMyCommands"] == 7  # failed six times, then set
        assert channel._commands_task is None or channel._commands_task.done()
        assert "setMyCommands failed" in caplog.text
        await channel.stop()
        await services.close()


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_start_up_survives_telegram_being_unreachable(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        webhook: bool) -> None:
    """getMe (and setWebhook) failing at start-up: start() returns, SMS and the web carry
    on, and connecting is tried in the background until Telegram answers."""
    monkeypatch.setattr(telegram_module, "COMMANDS_FIRST_WAIT", 0.05)
    monkeypatch.setattr(telegram_module, "RetryingRequest", fast_request)
    caplog.set_level(logging.WARNING)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        if webhook:
            settings = settings.model_copy(update={
                "telegram_webhook_url": "https://movemates.example/telegram",
                "telegram_webhook_secret": "s3cret"})
            stub.fail_method("setWebhook", 502, "Bad Gateway", times=5)
        stub.fail_method("getMe", 503, "Service Unavailable", times=6)
        services = build(settings, paced=False)
        channel = TelegramChannel(settings, services.engine, services.content)
        await channel.start()  # does not raise, and does not wait for Telegram
        assert "could not connect at start-up (NetworkError" in caplog.text
        connected = (lambda: stub.calls["setWebhook"] == 6) if webhook else \
            (lambda: stub.calls["getUpdates"] > 0)
        for _ in range(200):
            if connected():
                break
            await asyncio.sleep(0.05)
        assert connected(), dict(stub.calls)
        assert stub.calls["getMe"] == 7  # six faults, then the token checked
        assert channel.application.running
        await channel.stop()
        await services.close()


@pytest.mark.parametrize(("method", "status", "description", "error"), [
    ("getMe", 401, "Unauthorized", "InvalidToken"),
    ("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook",
     "BadRequest")], ids=["wrong_token", "refused_webhook"])
async def test_a_mistake_in_the_set_up_stops_start_up_with_its_reason(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, method: str, status: int,
        description: str, error: str) -> None:
    monkeypatch.setattr(telegram_module, "RetryingRequest", fast_request)
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub).model_copy(update={
            "telegram_webhook_url": "http://movemates.example/telegram",
            "telegram_webhook_secret": "s3cret"})
        stub.fail_method(method, status, description)
        services = build(settings, paced=False)
        channel = TelegramChannel(settings, services.engine, services.content)
        with pytest.raises(telegram_module.TelegramError) as raised:
            await channel.start()
        assert type(raised.value).__name__ == error
        await channel.stop()
        await services.close()


async def test_a_5xx_or_network_fault_on_other_calls_is_retried(settings: Settings) -> None:
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        application = build_application(settings, polling=False, request=fast_request())
        stub.fail_method("getMe", 502, "Bad Gateway", times=2)
        await application.initialize()  # the third getMe answers
        assert stub.calls["getMe"] == 3
        stub.fail_method("deleteMessage", 500, "Internal Server Error", times=3)
        assert await application.bot.delete_message(chat_id=1, message_id=2) is True
        # Messages are never repeated here: the outbox retries them (with its own backoff).
        stub.fail_method("sendMessage", 502, "Bad Gateway")
        with pytest.raises(telegram_module.NetworkError):
            await application.bot.send_message(chat_id=5, text="hello")
        assert stub.send_calls == 0 and stub.calls["sendMessage"] == 1
        await application.shutdown()


async def test_a_fault_that_does_not_pass_is_raised_after_the_last_try(
        settings: Settings) -> None:
    async with running_stub(BotApiStub(limits=None)) as stub:
        settings = quick(settings, stub)
        application = build_application(settings, polling=False, request=fast_request())
        await application.initialize()
        stub.fail_method("setMyCommands", 503, "Service Unavailable", times=10)
        with pytest.raises(telegram_module.NetworkError):
            await application.bot.set_my_commands([])
        assert stub.calls["setMyCommands"] == 4
        await application.shutdown()


async def test_serve_starts_while_the_bot_api_refuses_set_my_commands(
        tmp_path: Path) -> None:
    """`movemates serve` with Telegram on answers /healthz although setMyCommands fails."""
    async with running_stub(BotApiStub(limits=None)) as stub:
        stub.fail_method("setMyCommands", 500, "Internal Server Error", times=1000)
        port = free_port()
        process = start_server(clean_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}", TELEGRAM_BOT_TOKEN="1:stub",
            TELEGRAM_API_BASE_URL=stub.base_url), port)
        try:
            response = await asyncio.to_thread(wait_healthy, port, process)
            assert response.status_code == 200
            assert response.json()["channels"]["telegram"] is True
            await asyncio.sleep(4.5)  # four tries a call (0.5 + 1 + 2 s apart), then logged
            assert process.poll() is None
        finally:
            output = await asyncio.to_thread(stop, process)
    assert "telegram setMyCommands: HTTP 500; trying again" in output
    assert "setMyCommands failed (NetworkError" in output
    assert "telegram: polling" in output
