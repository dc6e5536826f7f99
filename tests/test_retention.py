"""Words are forgotten once their job is done, and erasure reaches what Telegram groups
hold under someone's account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, func, select

from bot.config import Settings
from bot.core.events import Address, Inbound
from bot.extensions import retention
from bot.groups import store as group_store
from bot.peers.models import GroupMember, HeldMessage, ModerationCase
from bot.storage.models import Identity, InboundSeen, OutboxMessage
from support.engine import ONBOARDING, START, running

GROUP = -1001234
MARGARET = Address("telegram", "4242")
OTHER = 777


async def onboard(services, address: Address) -> None:  # type: ignore[no-untyped-def]
    for n, line in enumerate(ONBOARDING):
        await services.engine.handle(address, Inbound.from_text(line), external_id=f"u{n}")
    await services.dispatcher.drain()


def texts(connection: Connection) -> list[str]:
    return [p.get("text", "") for p in connection.scalars(select(OutboxMessage.payload))]


async def test_sent_texts_and_seen_ids_are_forgotten_after_their_time(
        settings: Settings) -> None:
    async with running(settings) as (services, _):
        await onboard(services, MARGARET)
        # The end of a last message with words is kept minutes (read with the next one).
        await services.engine.handle(MARGARET, Inbound.from_text("thanks, see you soon"),
                                     external_id="last")
        await services.dispatcher.drain()
        soon = await services.db.run(lambda c: retention.tidy(c, START + timedelta(days=1)))
        # Only that has gone.
        assert soon == retention.Tidied(recent_words=1)
        assert await services.db.run(lambda c: c.scalar(
            select(func.count()).select_from(Identity).where(
                Identity.recent_words.is_not(None)))) == 0
        assert all(await services.db.run(texts))
        later = START + timedelta(days=31)
        tidied = await services.db.run(lambda c: retention.tidy(c, later))
        assert tidied.outbox_texts == len(await services.db.run(texts)) > 0
        assert tidied.seen_ids == 0  # kept far longer, against replays
        assert not any(await services.db.run(texts))
        much_later = START + retention.SEEN_IDS_KEPT_FOR + timedelta(days=1)
        assert (await services.db.run(lambda c: retention.tidy(c, much_later))).seen_ids == \
            len(ONBOARDING) + 1
        assert await services.db.run(lambda c: c.scalar(
            select(func.count()).select_from(InboundSeen))) == 0
        later = much_later
        # A second pass finds nothing left to do.
        assert await services.db.run(lambda c: retention.tidy(c, later)) == retention.Tidied()


async def test_held_group_messages_are_forgotten_after_two_weeks(settings: Settings) -> None:
    async with running(settings) as (services, _):
        def hold(connection: Connection) -> int:
            group_store.register_group(connection, GROUP, "Walkers", START)
            return group_store.hold_message(connection, START, chat_id=GROUP, telegram_id=OTHER,
                                            message_id=5, text="call me on 07700 900123")

        held = await services.db.run(hold)
        early = await services.db.run(lambda c: retention.tidy(c, START + timedelta(days=13)))
        late = await services.db.run(lambda c: retention.tidy(c, START + timedelta(days=15)))
        assert (early.held_messages, late.held_messages) == (0, 1)
        assert await services.db.run(lambda c: group_store.get_held(c, held)) is None


async def test_a_decided_held_message_keeps_no_copy(settings: Settings) -> None:
    async with running(settings) as (services, _):
        def hold_and_decide(connection: Connection) -> tuple[str, str]:
            group_store.register_group(connection, GROUP, "Walkers", START)
            held = group_store.hold_message(connection, START, chat_id=GROUP, telegram_id=OTHER,
                                            message_id=5, text="see www.example.org")
            decided = group_store.decide_held(connection, held, "approved", 1)
            stored = group_store.get_held(connection, held)
            assert decided is not None and stored is not None
            return decided.text, stored.text

        repost, kept = await services.db.run(hold_and_decide)
    assert repost == "see www.example.org" and kept == ""


async def test_erasure_reaches_group_membership_held_messages_and_reports(
        settings: Settings) -> None:
    me = int(MARGARET.address)
    async with running(settings) as (services, _):
        await onboard(services, MARGARET)

        def in_a_group(connection: Connection) -> None:
            group_store.register_group(connection, GROUP, "Walkers", START)
            group = group_store.get_group(connection, GROUP)
            assert group is not None
            group_store.record_join(connection, group, me, START)
            group_store.record_join(connection, group, OTHER, START)
            group_store.hold_message(connection, START, chat_id=GROUP, telegram_id=me,
                                     message_id=9, text="my number is 07700 900456")
            said = {"telegram_id": me, "name": "Margaret", "text": "hello all", "message_id": 8}
            other = {"telegram_id": OTHER, "name": "Sam", "text": "rude words", "message_id": 10}
            group_store.open_case(connection, START, chat_id=GROUP, reported_by=None,
                                  subject_id=None, subject_telegram_id=OTHER, reason="rude",
                                  history={"group": "Walkers", "reported": other,
                                           "before": [said]})

        await services.db.run(in_a_group)
        await services.engine.handle(MARGARET, Inbound.from_text("delete my data"))
        await services.engine.handle(MARGARET, Inbound.from_text("1"))

        def left(connection: Connection) -> tuple[list[int], int, dict]:  # type: ignore[type-arg]
            members = list(connection.scalars(select(GroupMember.telegram_id)))
            held = connection.scalar(select(func.count()).select_from(HeldMessage)) or 0
            history = connection.scalar(select(ModerationCase.history))
            return members, held, history

        members, held, history = await services.db.run(left)
    assert members == [OTHER]  # only the other member is left
    assert held == 0
    assert history["reported"]["telegram_id"] == OTHER  # the report itself stays
    assert history["before"][0] == {"telegram_id": None, "name": "", "text": "",
                                    "message_id": 8}
