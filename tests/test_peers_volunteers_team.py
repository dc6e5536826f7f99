"""Peer support's functions for the team (`bot.peers.volunteers`: roster, safe_name,
team_pause, remove_volunteer) through the real engine and storage, on SQLite and
PostgreSQL: what the console's HTTP tests (tests/test_console_volunteers.py) do not reach:
names that are not fit to show, a suspended volunteer, and a volunteer who is also
supported by someone else keeping their own chat when their role ends."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.events import Address
from bot.peers import volunteers
from bot.peers.models import BuddyRequest, PeerChat
from bot.storage.models import Volunteer
from support.peers import peer_world

SAM = Address("telegram", "710101")
PAT = Address("telegram", "710102")
ANN = Address("sms", "+447700900713")


@pytest.mark.parametrize(("name", "shown"), [
    ("Sam", "Sam"), ("Ann-Marie O'Neil", "Ann-Marie O'Neil"), ("", None), (None, None),
    ("   ", None), ("\u3164", None), ("Jo 07700 900123", None), ("jo@example.org", None),
    ("Jo https://example.org/jo", None)])
def test_a_name_with_contact_details_or_nothing_to_see_is_not_shown(
        name: str | None, shown: str | None) -> None:
    assert volunteers.safe_name(name) == shown


async def test_a_suspended_volunteer_is_not_paused_or_resumed_by_the_team(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        sam = await w.person_id(SAM)
        content, now = w.services.content, w.clock.now()
        assert not await w.db(lambda c: volunteers.team_pause(c, content, sam, False, now))
        assert await w.db(lambda c: volunteers.team_pause(c, content, sam, True, now))
        assert not await w.db(lambda c: volunteers.team_pause(c, content, sam, True, now))
        await w.db(lambda c: c.execute(Volunteer.__table__.update().where(
            Volunteer.person_id == sam).values(suspended_at=now)))
        [row] = await w.db(volunteers.roster)
        assert (row.state, row.can_pause, row.can_resume) == ("suspended", False, False)
        assert not await w.db(lambda c: volunteers.team_pause(c, content, sam, False, now))
        assert await w.db(lambda c: volunteers.find(c, sam + 1)) is None


async def test_removal_ends_only_the_chats_they_support_in(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam", capacity="2")
        await w.supporter(PAT, "Pat", capacity="2")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        [offer] = await w.rows(BuddyRequest)
        first = SAM if offer["offered_to"] == await w.person_id(SAM) else PAT
        second = PAT if first == SAM else SAM
        await w.connected(ANN, first)
        # The other supporter asks for support themselves, and gets the first one.
        await w.asks_for_buddy(second)
        await w.connected(second, first)
        mine = await w.person_id(second)
        [before] = await w.db(lambda c: volunteers.roster(c, mine))
        assert (before.chats, before.starting) == (0, 0)

        content, now = w.services.content, w.clock.now()
        done = await w.db(lambda c: volunteers.remove_volunteer(c, content, mine, now))
        assert done == volunteers.Removal(0, 0, 0)
        assert await w.db(lambda c: volunteers.remove_volunteer(c, content, mine, now)) is None
        chats = await w.rows(PeerChat, PeerChat.resident_id == mine)
        assert [chat["status"] for chat in chats] == ["active"]  # their own support goes on
        heard = await w.delivered()
        assert heard.texts(ANN) == [] and heard.texts(first) == []
        assert [row.person_id for row in await w.db(volunteers.roster)] == \
            [await w.person_id(first)]
