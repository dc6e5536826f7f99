"""`my data` shows everything held, including what suggestions and peer support keep."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select, update

from bot.config import Settings
from bot.core.events import Address
from bot.peers.models import BuddyRequest
from bot.storage import repository as repo
from bot.storage.models import Identity, Person, Volunteer
from support.engine import ONBOARDING, START, running, say

SAM = Address("sms", "+447700900177")


async def my_data(services, address: Address, senders) -> str:  # type: ignore[no-untyped-def]
    senders["sms"].sent.clear()
    await say(services, address, "my data")
    await services.dispatcher.drain()
    return "\n".join(senders["sms"].texts_to(address.address))


async def test_ideas_follow_ups_and_peer_support_are_listed(settings: Settings) -> None:
    async with running(settings) as (services, senders):
        await say(services, SAM, *ONBOARDING, "2")  # "2": no ideas just now
        before = await my_data(services, SAM, senders)

        def hold_more(connection: Connection) -> None:
            person_id = connection.scalar(select(Identity.person_id))
            person = connection.execute(select(Person.answers)).scalar_one()
            connection.execute(update(Person).values(
                answers={**person, "not_for_me": ["watermead-country-park", "gone-now"]}))
            repo.add_reminder(connection, person_id, "followup", START + timedelta(days=3),
                              {"opportunity_id": "bradgate-park"}, START)
            connection.execute(Volunteer.__table__.insert().values(
                person_id=person_id, role="supporter", alias="Sam", capacity=2,
                availability={}, activities={}, shared_experience="diabetes", paused=False,
                created_at=START))
            connection.execute(BuddyRequest.__table__.insert().values(
                resident_id=person_id, status="waiting", declined_by={},
                created_at=START, updated_at=START))

        await services.db.run(hold_more)
        after = await my_data(services, SAM, senders)
    for line in ("not for you", "ask you about", "You help as a", "What you live with",
                 "waiting for a peer supporter"):
        assert line not in before
        assert line in after
    # Names from the catalogue where it still knows the place, the id where it doesn't.
    assert "Ideas you said are not for you: Watermead Country Park, gone-now" in after
    assert "Places we'll ask you about: 1" in after
    assert "You help as a peer supporter. People see your name as Sam." in after
    assert "What you live with, to help us match you: Diabetes" in after
