"""Volunteer-moderated groups, the parts without I/O: spotting contact details, reading
commands, strike escalation, the recent-message buffer and how times are written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.core.clock import FakeClock
from bot.core.content import library
from bot.groups.commands import (
    GroupCommand,
    Step,
    escalation,
    parse_command,
    parse_mute,
    parse_setup,
)
from bot.groups.held import GROUP_KINDS
from bot.groups.history import RecentMessages, Seen
from bot.groups.runtime import GroupRuntime, quoted
from bot.groups.store import GroupInfo, MemberInfo, is_new_member
from bot.peers.contact import ContactKind as Contact
from bot.peers.contact import contact_details as detect

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text,found", [
    ("Text me on 07700 900123", {Contact.PHONE}),
    ("ring 0116 496 0123 after 6", {Contact.PHONE}),
    ("+44 7911 123456", {Contact.PHONE}),
    ("call 07911-123-456", {Contact.PHONE}),
    ("route at https://example.org/walk", {Contact.LINK}),
    ("www.walkwithsue.co.uk is good", {Contact.LINK}),
    # A public organisation's site is not a way to reach the writer (content/public_contacts.yaml).
    ("www.parkrun.org.uk is good", set()),
    ("join chat.whatsapp.com/AbCd", {Contact.LINK}),
    ("see t.me/somegroup", {Contact.LINK}),
    ("email jo.bloggs@example.co.uk", {Contact.EMAIL}),
    ("I did 10000 steps!", set()),
    ("Meet at 10:30 on 12/03/2026 by gate 7", set()),
    ("That took 1 hr 15 min, 2.5 miles", set()),
    ("It's nice.Really nice", set()),
    ("", set()),
])
def test_contact_details_in_text(text: str, found: set[Contact]) -> None:
    assert set(detect(text, kinds=GROUP_KINDS)) == found


def test_telegram_entities_count_too() -> None:
    assert detect("look here", ["text_link"], kinds=GROUP_KINDS) == [Contact.LINK]
    assert detect("my number", ["phone_number"], kinds=GROUP_KINDS) == [Contact.PHONE]
    # Greeting a member by name is what groups are for; the relay holds handles.
    assert detect("hi @jo", ["mention", "bold"], kinds=GROUP_KINDS) == []
    assert detect("hi @jo", ["mention", "bold"]) == [Contact.USERNAME]


@pytest.mark.parametrize("text,expected", [
    ("/warn", GroupCommand("warn")),
    ("/WARN@MoveMatesTestBot be kind", GroupCommand("warn", "be kind")),
    ("/mute 2h", GroupCommand("mute", "2h")),
    ("/setrules 1. Be kind\n2. Be well", GroupCommand("setrules", "1. Be kind\n2. Be well")),
    ("/report", GroupCommand("report")),
    ("/warn@SomeOtherBot", None),
    ("/start", None),  # the engine's, and only in private chats
    ("please /warn", None),
    ("warn", None),
])
def test_parse_command(text: str, expected: GroupCommand | None) -> None:
    assert parse_command(text, "MoveMatesTestBot") == expected


@pytest.mark.parametrize("argument,length", [
    ("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)), ("1d", timedelta(days=1)),
    ("", timedelta(days=1)), ("2h because", timedelta(hours=2)), ("1w", timedelta(weeks=1)),
    ("10s", None), ("400d", None), ("soon", None), ("-5m", None),
])
def test_parse_mute(argument: str, length: timedelta | None) -> None:
    assert parse_mute(argument) == length


def test_strikes_escalate() -> None:
    assert [escalation(n, 3) for n in (1, 2, 3, 4)] == \
        [Step.WARN, Step.MUTE, Step.REMOVE, Step.REMOVE]
    assert [escalation(n, 5) for n in (1, 2, 3, 4, 5)] == \
        [Step.WARN, Step.MUTE, Step.MUTE, Step.MUTE, Step.REMOVE]
    assert escalation(1, 1) is Step.REMOVE and escalation(1, 2) is Step.WARN


@pytest.mark.parametrize("argument,values", [
    ("", {}),
    ("strikes 4", {"strike_limit": 4}),
    ("days 14 hold off", {"new_member_days": 14, "hold_new_member_links": False}),
    ("HOLD on", {"hold_new_member_links": True}),
    ("strikes 0", None), ("strikes 11", None), ("days 200", None), ("strikes", None),
    ("colour blue", None),
])
def test_parse_setup(argument: str, values: dict[str, Any] | None) -> None:
    assert parse_setup(argument) == values


def seen(message_id: int, text: str = "hi") -> Seen:
    return Seen(message_id, 1, "Jo", text, T0)


def test_recent_messages_keep_a_few_per_group_and_a_few_groups() -> None:
    recent = RecentMessages(per_group=3, max_groups=2)
    for n in range(1, 6):
        recent.add(-1, seen(n))
    assert [s.message_id for s in recent.before(-1, 10, count=5)] == [3, 4, 5]
    assert [s.message_id for s in recent.before(-1, 5, count=1)] == [4]
    recent.add(-1, seen(4, "edited"))
    assert recent.find(-1, 4) == seen(4, "edited")
    recent.add(-2, seen(1))
    recent.add(-3, seen(1))  # a third group: the least recently active is dropped
    assert recent.find(-1, 5) is None and recent.find(-3, 1) is not None
    recent.forget(-3)
    assert recent.before(-3, 9) == []


def test_a_members_recent_messages_newest_first_within_the_window() -> None:
    recent = RecentMessages()
    said = [(1, 1, "old", T0), (2, 1, "077", T0 + timedelta(minutes=40)),
            (3, 2, "someone else", T0 + timedelta(minutes=41)),
            (4, 1, "009", T0 + timedelta(minutes=42)), (5, 1, "005", T0 + timedelta(minutes=43))]
    for message_id, who, text, at in said:
        recent.add(-1, Seen(message_id, who, "Jo", text, at))
    since = T0 + timedelta(minutes=15)
    assert [t for t, _ in recent.recent_from(-1, 1, since)] == ["005", "009", "077"]
    assert [t for t, _ in recent.recent_from(-1, 1, since, count=2)] == ["005", "009"]
    # An edit of message 5 is read with what came before it, not with its old self.
    assert [t for t, _ in recent.recent_from(-1, 1, since, not_id=5)] == ["009", "077"]
    assert recent.recent_from(-1, 3, since) == [] and recent.recent_from(-9, 1, since) == []


def test_who_counts_as_new() -> None:
    group = GroupInfo(-1, "Walkers", None, 3, True, 7, T0)
    joined = MemberInfo(5, None, 0, None, None, T0 + timedelta(days=1))
    assert is_new_member(group, joined, T0 + timedelta(days=7, hours=23))
    assert not is_new_member(group, joined, T0 + timedelta(days=8))
    already_here = MemberInfo(5, None, 0, None, None, T0)  # here before the bot came
    assert not is_new_member(group, already_here, T0 + timedelta(hours=1))
    assert not is_new_member(group, None, T0 + timedelta(hours=1))


def test_times_are_written_out() -> None:
    runtime = GroupRuntime(SimpleNamespace(), FakeClock(T0),  # type: ignore[arg-type]
                           library().for_language("en"), SimpleNamespace())  # type: ignore[arg-type]
    assert [runtime.duration(timedelta(minutes=m)) for m in (1, 30, 60, 120, 90, 1440, 2880)] \
        == ["1 minute", "30 minutes", "1 hour", "2 hours", "90 minutes", "1 day", "2 days"]


def test_long_messages_are_cut_for_helpers() -> None:
    assert quoted("  hello ") == '"hello"'
    cut = quoted("word " * 400)
    assert cut.endswith('..."') and len(cut) < 700
