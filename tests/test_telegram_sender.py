"""Sending to Telegram: splitting, keyboards, and honest handling of every failure, with the
real python-telegram-bot against a local Bot API stub that behaves like Telegram."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import Services, build
from bot.channels.telegram import TelegramSender, build_application
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.core.events import Address, Inbound
from bot.storage.models import Identity, OutboxMessage
from support.bot_api_stub import BotApiStub, running_stub
from support.engine import START

CHAT = 3001
ADDRESS = Address("telegram", str(CHAT))


async def with_sender(settings: Settings, stub: BotApiStub, clock: FakeClock
                      ) -> tuple[Services, TelegramSender]:
    settings = settings.model_copy(update={"telegram_bot_token": "1:stub",
                                           "telegram_api_base_url": stub.base_url})
    services = build(settings, clock=clock, paced=False)
    application = build_application(settings, polling=False)
    await application.initialize()
    sender = TelegramSender(application, services.content)
    services.dispatcher.senders["telegram"] = sender
    return services, sender


async def rows(services: Services) -> list[OutboxMessage]:
    async with services.db.transaction() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .scalars())


async def test_a_reply_is_recorded_before_it_is_sent(settings: Settings) -> None:
    seen_status: list[str] = []
    clock = FakeClock(START)

    async with running_stub(BotApiStub(limits=None)) as stub:
        services, sender = await with_sender(settings, stub, clock)

        async def check_database(form: dict) -> None:
            async with services.db.transaction() as session:
                row = (await session.execute(select(OutboxMessage).where(
                    OutboxMessage.status == "sending"))).scalars().first()
                seen_status.append(row.status if row else "missing")

        stub.on_send = check_database
        await services.engine.handle(ADDRESS, Inbound.from_text("hi"))
        assert await services.dispatcher.drain() == 2
        await sender.application.shutdown()
        await services.close()
    assert seen_status == ["sending", "sending"]
    assert [d.text[:6] for d in stub.delivered] == ["Hello!", "Before"]


async def test_long_messages_are_split_cleanly_with_the_keyboard_last(settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, sender = await with_sender(settings, stub, clock)
        await services.engine.handle(ADDRESS, Inbound.from_text("hi"))
        async with services.db.transaction() as session:
            row = (await session.execute(select(OutboxMessage))).scalars().first()
            sentence = "Moving a little each day can help. "
            row.payload = {**row.payload, "text": sentence * 300,
                           "options": [["a", "One"], ["b", "Two"]], "ref": "x.y"}
        await services.dispatcher.drain()
        await sender.application.shutdown()
        await services.close()
    first_row = [d for d in stub.delivered if d.text.startswith("Moving")]
    assert len(first_row) == 3
    assert all(len(d.text) <= 4096 and d.text.endswith("help.") for d in first_row)
    assert "".join(d.text for d in first_row).replace(" ", "") == \
        (sentence * 300).replace(" ", "")


async def test_retry_after_is_honoured_and_nothing_is_sent_twice(settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, sender = await with_sender(settings, stub, clock)
        stub.fail_next(CHAT, 429, "Too Many Requests: retry after 7", retry_after=7)
        await services.engine.handle(ADDRESS, Inbound.from_text("hi"))
        await services.dispatcher.drain()
        [first, second] = await rows(services)
        assert (first.status, first.error, first.attempts) == ("queued", "telegram_429", 1)
        assert first.due_at == START + timedelta(seconds=7)
        # The next message to that chat waits behind it, untried: order is kept.
        assert (second.status, second.attempts) == ("queued", 0)
        assert await services.dispatcher.drain() == 0  # not due yet
        clock.advance(timedelta(seconds=7))
        assert await services.dispatcher.drain() == 2
        [first, second] = await rows(services)
        assert (first.status, second.status) == ("sent", "sent")
        await sender.application.shutdown()
        await services.close()
    texts = [d.text[:6] for d in stub.delivered]
    assert texts == ["Hello!", "Before"]  # each once, in the order they were written


async def test_a_person_who_blocked_the_bot_gets_nothing_until_they_write(
        settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, sender = await with_sender(settings, stub, clock)
        stub.fail_next(CHAT, 403, "Forbidden: bot was blocked by the user")
        await services.engine.handle(ADDRESS, Inbound.from_text("hi"))
        await services.dispatcher.drain()
        statuses = [r.status for r in await rows(services)]
        assert statuses == ["failed", "suppressed"]
        async with services.db.transaction() as session:
            identity = (await session.execute(select(Identity))).scalar_one()
            assert identity.unreachable_at is not None
        await services.engine.handle(ADDRESS, Inbound.from_text("1"))
        assert await services.dispatcher.drain() == 1
        await sender.application.shutdown()
        await services.close()


async def test_network_errors_are_retried_with_backoff(settings: Settings) -> None:
    clock = FakeClock(START)
    stub = BotApiStub(limits=None)
    async with running_stub(stub):
        services, sender = await with_sender(settings, stub, clock)
    # The stub has stopped: connections are refused, so nothing can have been delivered.
    await services.engine.handle(ADDRESS, Inbound.from_text("hi"))
    await services.dispatcher.drain()
    first, second = await rows(services)
    assert first.status == second.status == "queued"
    assert first.error == "telegram_network"
    assert first.due_at == START + timedelta(seconds=2)
    await sender.application.shutdown()
    await services.close()


async def test_a_failed_second_part_resumes_without_resending_the_first(
        settings: Settings) -> None:
    clock = FakeClock(START)
    async with running_stub(BotApiStub(limits=None)) as stub:
        services, sender = await with_sender(settings, stub, clock)
        await services.engine.handle(ADDRESS, Inbound.from_text("hello"))
        async with services.db.transaction() as session:
            long_row, other = (await session.execute(
                select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
            long_row.payload = {**long_row.payload, "text": "First part. " * 400 + "Last."}
            other.status = "cancelled"
        stub.fail_calls[2] = (429, "Too Many Requests: retry after 3", {"retry_after": 3})
        await services.dispatcher.drain()
        [row] = [r for r in await rows(services) if r.status != "cancelled"]
        assert (row.status, row.parts_sent) == ("queued", 1)
        clock.advance(timedelta(seconds=3))
        await services.dispatcher.drain()
        [row] = [r for r in await rows(services) if r.status != "cancelled"]
        assert (row.status, row.parts_sent, row.attempts) == ("sent", 2, 2)
        await sender.application.shutdown()
        await services.close()
    texts = [d.text for d in stub.delivered]
    assert len(texts) == 2
    assert texts[0].startswith("First part.") and texts[1].endswith("Last.")
    assert stub.send_calls == 3  # part 1, part 2 refused, part 2 again: part 1 never twice
