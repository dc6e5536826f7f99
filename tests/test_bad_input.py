"""Anything a person can type, in any state of onboarding, gets a kind reply: never a crash,
and nothing already stored is lost."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select, update

from bot.app import Services
from bot.config import Settings
from bot.core.events import Address, Inbound
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage, Person
from support.engine import ONBOARDING, running

NASTY = [
    "", " ", "\n", "\x00\x01\x02", "\u200b\u200e\u202e", "🙂" * 50, "👍🏽", "مرحبا، كيف حالك؟",
    "שלום", "你好", "Ñandú", "x" * 10_000, "1" * 500, "-1", "0", "999999999999999999999",
    "1.5", "1e9", "'; DROP TABLE persons; --", "<script>alert(1)</script>", "{name}", "%s%s%s",
    "\\", "@@@", "/start", "/unknown_command", "/deleteme now", "STOP", "start", "yes",
    "delete", "menu", "LE99 9ZZ", "NaN", "None", "null", "true",
    # Controls between words, symbols GSM-7 lacks, digits of other scripts, a tag flag.
    "see you\u0085tomorrow", "a\x1eb\x0bc\x0cd", "hi\x00there", "BP \u2260 140",
    "500\u00b5g \u2265 5 \u00b12 \u20b9500 20\u00b0C \u2713", "\u0661\u0660 \u0967\u0966",
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
]
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.from_regex(r"[0-9 ,.;]{1,20}", fullmatch=True),
)


@dataclass
class Snapshot:
    """A person's stored state at one step of onboarding, to restore before each example."""

    flow: str | None
    step: str | None
    data: dict[str, Any]
    answers: dict[str, Any]
    fields: dict[str, Any]


FIELDS = ("name", "consent_health", "consent_encouragement", "district", "paused_until",
          "onboarded_at")


async def snapshots(services: Services, address: Address) -> list[Snapshot]:
    taken = []
    # The last "2" turns down the offer of ideas, so the person is between conversations.
    for line in [*ONBOARDING, "2"]:
        await services.engine.handle(address, Inbound.from_text(line))
        person = await load(services, address)
        taken.append(Snapshot(person.flow, person.step, dict(person.flow_data),
                              dict(person.answers), {f: getattr(person, f) for f in FIELDS}))
    return taken


async def load(services: Services, address: Address) -> Person:
    async with services.db.transaction() as session:
        identity = (await session.execute(select(Identity).where(
            Identity.address == address.address))).scalar_one()
        person = await session.get(Person, identity.person_id)
        assert person is not None
        return person


async def restore(services: Services, address: Address, snap: Snapshot) -> None:
    def put_back(connection: Connection) -> None:
        stored = repo.load(connection, address, lock=False)
        if stored is None:  # an earlier example erased them ("not now", "delete", "yes")
            stored = repo.create_person(connection, address, services.clock.now())
        repo.update_identity(connection, stored.identity_id, opted_out_at=None)
        connection.execute(
            update(Person).where(Person.id == stored.person_id).values(
                flow=snap.flow, step=snap.step, flow_data=snap.data, answers=snap.answers,
                **snap.fields))
        connection.execute(update(OutboxMessage).values(status="sent"))

    await services.db.run(put_back)


def check_nothing_lost(before: Snapshot, after: Person, said: str) -> None:
    if after.flow == "onboarding" and before.step is not None and after.step == before.step:
        # Still on the same question: nothing may have changed at all.
        assert after.answers == before.answers, said
    for key, value in before.answers.items():
        if key != before.step and not key.startswith(f"{before.step}_"):
            assert after.answers.get(key) == value, (key, said)
    if before.step != "name" and before.fields["name"] is not None:
        assert after.name == before.fields["name"], said


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_random_input_in_every_onboarding_state(settings: Settings, channel: str) -> None:
    address = Address(channel, "+447700900999" if channel == "sms" else "999")

    async def setup() -> list[Snapshot]:
        async with running(settings) as (services, _):
            return await snapshots(services, address)

    loop = asyncio.new_event_loop()
    try:
        states = loop.run_until_complete(setup())
        assert {s.step for s in states} >= {"privacy", "name", "district", "summary", "ask", None}
        opened = running(settings)
        services, senders = loop.run_until_complete(opened.__aenter__())

        async def attempt(snap: Snapshot, text: str) -> None:
            await restore(services, address, snap)
            senders[channel].sent.clear()
            result = await services.engine.handle(address, Inbound.from_text(text))
            await services.dispatcher.drain()
            if result.ignored or result.person_id is None:  # opted out, or erased on request
                return
            assert senders[channel].sent, f"no reply to {text!r} at {snap.step}"
            for item in senders[channel].sent:
                assert item.message.text.strip(), f"empty reply to {text!r} at {snap.step}"
            check_nothing_lost(snap, await load(services, address), text)

        @hypothesis_settings(max_examples=120, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])
        @given(snap=st.sampled_from(states), text=TEXT)
        @example(snap=states[4], text="x" * 10_000)
        @example(snap=states[12], text="\u202eLE4")
        # PostgreSQL cannot store NUL in text or JSON: own words must arrive without it.
        @example(snap=next(s for s in states if s.step == "activities"), text="B\x00")
        def run(snap: Snapshot, text: str) -> None:
            loop.run_until_complete(attempt(snap, text))

        run()
        loop.run_until_complete(opened.__aexit__(None, None, None))
    finally:
        loop.close()
