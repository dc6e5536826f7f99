"""Parsing what publishers write: postcodes in free text, prices, activities, levels,
times and schedules. Unknown stays unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.places.parsing import (
    activities_from_labels,
    clock_time,
    day_of,
    find_postcode,
    level_from_labels,
    money_in,
    parse_datetime,
    parse_duration,
    parse_event_schedule,
    parse_offers,
    parse_postcode,
    setting_from,
    slot_for,
)
from bot.places.schema import Slot
from bot.places.text import first_sentence, plain


@pytest.mark.parametrize(("text", "expected"), [
    ("Braunstone Avenue, Leicester LE3 1LE", "LE3 1LE"),
    ("1 High St, Loughborough, le11 3ab", "LE11 3AB"),
    ("Mill Lane, Syston LE71NR", "LE7 1NR"),
    ("Unit 4, 12 Main Road, Oadby, Leicester, LE2 4AB, UK", "LE2 4AB"),
    ("Old address LE1 1AA, now at New Street LE5 0AB", "LE5 0AB"),
    ("Victoria Park, Leicester", None),
    ("Leicester LE1", None),  # a district alone is not a postcode
    ("Room B12 3rd floor", None),  # small letters count only at the very end
    ("Community Hall, le4 5ab, UK", "LE4 5AB"),
    ("", None),
    (None, None),
])
def test_postcodes_are_found_in_free_text(text: str | None, expected: str | None) -> None:
    assert find_postcode(text) == expected


def test_exact_postcodes_are_normalised() -> None:
    assert parse_postcode(" le1  5ww ") == "LE1 5WW"
    assert parse_postcode("LE15WW") == "LE1 5WW"
    assert parse_postcode("LE1") is None and parse_postcode("hello") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("£3.50", 3.5), ("Adult £5", 5.0), ("3.50 GBP", 3.5), ("2 pounds", 2.0),
    ("50p a session", 0.5), ("Free", 0.0), ("Free taster session", 0.0),
    ("Free for members", None), ("Pay what you can", None), (None, None),
])
def test_money_in_offer_names(text: str | None, expected: float | None) -> None:
    assert money_in(text) == expected


@pytest.mark.parametrize(("offers", "free", "cost", "price_text"), [
    ([{"@type": "Offer", "name": "Adult", "price": 5.5, "priceCurrency": "GBP"},
      {"@type": "Offer", "name": "Concession", "price": 3.5, "priceCurrency": "GBP"}],
     None, "low", "Adult £5.50, Concession £3.50"),
    ([{"@type": "Offer", "name": "£3.50 per session"}], None, "low", "£3.50 per session"),
    ([{"@type": "Offer", "name": "Free"}], None, "free", "Free"),
    ([{"@type": "Offer", "price": 0, "priceCurrency": "GBP"}], None, "free", "Free"),
    ([{"@type": "Offer", "name": "Standard", "price": "7.00"}], None, "paid", "Standard £7"),
    ({"@type": "Offer", "name": "Drop in", "price": 4}, None, "low", "Drop in £4"),
    ([{"@type": "Offer", "name": "Pay on the door"}], None, "unknown", "Pay on the door"),
    ([], True, "free", "Free"),
    (None, None, "unknown", None),
    ([{"@type": "Offer", "price": -1}, "junk", 7], None, "unknown", None),
    ([{"@type": "Offer", "price": 6, "priceCurrency": "EUR"}], None, "unknown", "6 EUR"),
])
def test_offers_give_cost_and_the_published_price(offers: object, free: object, cost: str,
                                                  price_text: str | None) -> None:
    assert parse_offers(offers, free) == (cost, price_text)


@pytest.mark.parametrize(("labels", "expected"), [
    (["Walking"], ("walking",)),
    (["Nordic Walking"], ("walking",)),
    (["Walking Football"], ("team",)),
    (["Walking Netball", "Walking"], ("team", "walking")),
    (["Aqua Aerobics"], ("swimming",)),
    (["Swimming - Lane"], ("swimming",)),
    (["Zumba Gold"], ("dancing",)),
    (["Chair Based Exercise"], ("chair",)),
    (["Seated Yoga"], ("chair", "yoga")),
    (["Tai Chi"], ("yoga",)),
    (["Pilates"], ("yoga",)),
    (["Badminton"], ("team",)),
    (["Bowls"], ("team",)),
    (["Circuit Training"], ("gym",)),
    (["Spinning"], ("gym",)),
    (["Green Gym"], ("gardening",)),
    (["Cycling", "Bikeability"], ("cycling",)),
    (["Archery"], ()),
    ([], ()),
])
def test_activity_labels_map_to_our_ids(labels: list[str], expected: tuple[str, ...]) -> None:
    assert activities_from_labels(labels) == expected


@pytest.mark.parametrize(("labels", "expected"), [
    (["Beginner"], "gentle"), (["Intermediate"], "moderate"), (["Advanced"], "demanding"),
    (["All levels"], "any"), (["Beginner", "Advanced"], "any"), ([], "unknown"),
    (["Gold"], "unknown"),
])
def test_levels(labels: list[str], expected: str) -> None:
    assert level_from_labels(labels) == expected


def test_dates_and_durations() -> None:
    assert parse_datetime("2026-03-02T10:00:00Z") == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert parse_datetime("2026-07-06T10:00:00+01:00") == datetime(2026, 7, 6, 9, tzinfo=UTC)
    # A time with no zone is UK time (here British Summer Time).
    assert parse_datetime("2026-07-06T10:00:00") == datetime(2026, 7, 6, 9, tzinfo=UTC)
    assert parse_datetime("2026-03-02") is None and parse_datetime("soon") is None
    assert parse_duration("PT1H30M") == timedelta(minutes=90)
    assert parse_duration("P1D") == timedelta(days=1)
    assert parse_duration("PT") is None and parse_duration(60) is None
    assert clock_time("10:00:00") == "10:00" and clock_time("9:05") == "09:05"
    assert clock_time("25:00") is None
    assert day_of("https://schema.org/Monday") == "mon" and day_of("schema:Friday") == "fri"
    assert day_of("Sunday") == "sun" and day_of("SU") == "sun" and day_of("Funday") is None


def test_slots_are_in_uk_local_time() -> None:
    summer = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)  # 10:00 BST, a Monday
    assert slot_for(summer, summer + timedelta(hours=1)) == Slot("mon", "10:00", "11:00")
    winter = datetime(2026, 1, 5, 18, 30, tzinfo=UTC)
    assert slot_for(winter, None, timedelta(minutes=45)) == Slot("mon", "18:30", "19:15")
    late = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    assert slot_for(late, late + timedelta(hours=1)) == Slot("mon", "23:30", None)


def test_weekly_schedules_become_slots_and_others_a_note() -> None:
    weekly = [{"@type": "PartialSchedule", "repeatFrequency": "P1W",
               "byDay": ["https://schema.org/Tuesday", "https://schema.org/Thursday"],
               "startTime": "10:00", "endTime": "11:00", "scheduleTimezone": "Europe/London"},
              {"@type": "PartialSchedule", "byDay": "schema:Monday", "startTime": "18:30:00",
               "duration": "PT45M"}]
    slots, note = parse_event_schedule(weekly)
    assert slots == (Slot("mon", "18:30", "19:15"), Slot("tue", "10:00", "11:00"),
                     Slot("thu", "10:00", "11:00"))
    assert note is None
    monthly = {"@type": "Schedule", "repeatFrequency": "P1M", "byDay": ["schema:Monday"],
               "startTime": "10:00"}
    slots, note = parse_event_schedule(monthly)
    assert slots == () and note and "Not every week" in note
    assert parse_event_schedule({"startTime": "nope", "byDay": "Monday"}) == ((), None)
    assert parse_event_schedule("every day") == ((), None)


def test_settings_from_venue_words_then_activity() -> None:
    assert setting_from("Braunstone Leisure Centre", ()) == "leisure"
    assert setting_from("St Mary's Church Hall, Leicester", ()) == "community"
    assert setting_from("Watermead Country Park car park", ()) == "outdoors"
    assert setting_from("Meet at the gate", ("walking",)) == "outdoors"
    assert setting_from(None, ()) is None


def test_publisher_text_is_made_plain_and_short() -> None:
    assert plain("<p>Gentle&nbsp;moves \u2013 all \u201cwelcome\u201d \U0001f600</p>") == \
        'Gentle moves - all "welcome"'
    assert plain("   ") is None and plain(None) is None and plain(5) is None
    long = plain("word " * 100, 40)
    assert long is not None and long.endswith("...") and len(long) <= 40
    assert first_sentence("A friendly group. We meet weekly.") == "A friendly group."
