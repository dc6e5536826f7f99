"""When the team works (`bot/staff/hours.py`): what someone asking for a person is told,
in London time, across weekends, the clock change, closed days and late asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.content import library
from bot.extensions.staff_help import clock, told
from bot.staff.hours import HoursError, StaffHours

DEFAULT = StaffHours.parse("Mon-Fri 09:00-17:00")
ENGLISH = library().for_language("en")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("moment", "kind", "opening"), [
    ("2026-03-02T10:00+00:00", "open", "2026-03-02T17:00+00:00"),  # Monday morning
    ("2026-03-02T16:29+00:00", "open", "2026-03-02T17:00+00:00"),
    ("2026-03-02T16:31+00:00", "tomorrow", "2026-03-03T09:00+00:00"),  # too late today
    ("2026-03-02T07:00+00:00", "later_today", "2026-03-02T09:00+00:00"),
    ("2026-03-06T18:00+00:00", "on_day", "2026-03-09T09:00+00:00"),  # Friday evening
    ("2026-03-07T11:00+00:00", "on_day", "2026-03-09T09:00+00:00"),  # Saturday
    ("2026-03-29T12:00+01:00", "tomorrow", "2026-03-30T09:00+01:00"),  # clocks went forward
    ("2026-03-30T08:30+01:00", "later_today", "2026-03-30T09:00+01:00"),  # BST: 07:30 UTC
])
def test_reply_time_in_london(moment: str, kind: str, opening: str) -> None:
    reply = DEFAULT.reply_time(at(moment))
    assert (reply.kind, reply.at) == (kind, at(opening))
    assert reply.out_of_hours is (kind != "open")


def test_closed_days_and_a_long_break_name_the_date() -> None:
    hours = StaffHours.parse("Mon-Fri 09:00-17:00",
                             "2026-12-25, 2026-12-28,2026-12-29,2026-12-30,2026-12-31,"
                             "2027-01-01")
    reply = hours.reply_time(at("2026-12-24T17:30+00:00"))
    assert (reply.kind, reply.at) == ("on_date", at("2027-01-04T09:00+00:00"))
    assert told(ENGLISH, reply).endswith("on 4 January, after 9am.")
    assert not hours.is_open(at("2026-12-25T10:00+00:00"))


def test_every_hour_of_the_week_is_now() -> None:
    always = StaffHours.parse("Mon-Sun 00:00-24:00")
    reply = always.reply_time(at("2026-03-02T23:50+00:00"))
    assert reply.kind == "open_now" and not reply.out_of_hours
    assert told(ENGLISH, reply).endswith("reply here as soon as they can.")


def test_what_they_are_told_in_words() -> None:
    assert told(ENGLISH, DEFAULT.reply_time(at("2026-03-02T10:00+00:00"))).endswith(
        "They're working now, until 5pm today.")
    assert told(ENGLISH, DEFAULT.reply_time(at("2026-03-06T18:00+00:00"))).endswith(
        "reply here on Monday, after 9am.")
    half_past = StaffHours.parse("Tue-Thu 08:30-12:00")
    assert told(ENGLISH, half_past.reply_time(at("2026-03-03T12:30+00:00"))).endswith(
        "reply here tomorrow, after 8:30am.")
    assert told(ENGLISH, half_past.reply_time(at("2026-03-03T10:00+00:00"))).endswith(
        "until 12 noon today.")
    assert clock(ENGLISH, at("2026-03-03T13:15+00:00")) == "1:15pm"


@pytest.mark.parametrize("spec", ["weekdays 9-5", "Mon-Fri 17:00-09:00", "Mon-Fri 25:00-26:00",
                                  "Mon-Fry 09:00-17:00", ""])
def test_hours_that_cannot_be_read_are_refused(spec: str) -> None:
    with pytest.raises(HoursError):
        StaffHours.parse(spec)


def test_closed_days_that_are_not_dates_are_refused() -> None:
    with pytest.raises(HoursError):
        StaffHours.parse("Mon-Fri 09:00-17:00", "Christmas Day")
