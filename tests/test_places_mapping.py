"""Mapping each of the four OpenActive types into our fields, defensively."""

from __future__ import annotations

import pytest

from bot.places.mapping import MappingError, map_data
from support.rpde_server import (
    concept,
    facility_use,
    place,
    scheduled_session,
    session_series,
    slot,
)

SERIES_ID = "https://example.org/session-series/1"


def test_session_series_maps_every_field_we_use() -> None:
    data = session_series(
        1, "Walking Netball for Women", ["Walking Netball"],
        description="<p>A friendly, gentle game.</p> <p>No experience needed.</p>",
        level=["Beginner"], ageRange={"@type": "QuantitativeValue", "minValue": 50},
        genderRestriction="https://openactive.io/FemaleOnly",
        accessibilitySupport=[concept("Physical impairment",
                                      "https://openactive.io/accessibility-support"),
                              concept("Visual impairment",
                                      "https://openactive.io/accessibility-support")],
        accessibilityInformation="Step-free access from the car park.",
        **{"beta:isWheelchairAccessible": True},
        offers=[{"@type": "Offer", "name": "£3.50 per session", "advanceBooking":
                 "https://openactive.io/Unavailable"}],
        eventSchedule=[{"@type": "PartialSchedule", "repeatFrequency": "P1W",
                        "byDay": ["https://schema.org/Wednesday"], "startTime": "14:00",
                        "endTime": "15:00", "scheduleTimezone": "Europe/London"}],
        url="https://example.org/walking-netball",
    )
    mapped = map_data(data)
    assert mapped.data_type == "SessionSeries" and mapped.data_id == SERIES_ID
    assert mapped.parent_ref is None
    f = mapped.fields
    assert f["kind"] == "session" and f["name"] == "Walking Netball for Women"
    assert f["summary"] == "A friendly, gentle game."
    assert f["activities"] == ["team"] and f["activity_labels"] == ["Walking Netball"]
    assert f["setting"] == "community" and f["company"] == ["group"]
    assert f["postcode"] == "LE4 5AB" and f["district"] == "LE4"
    assert f["address"] == "1 High Street, Leicester, LE4 5AB"
    assert f["venue"] == "Example Community Centre"
    assert f["schedule"] == [{"day": "wed", "start": "14:00", "end": "15:00"}]
    assert (f["cost"], f["price_text"]) == ("low", "£3.50 per session")
    assert f["booking"] == "drop_in" and f["level"] == "gentle"
    assert f["age_min"] == 50 and f["age_max"] is None
    assert f["who_for"] == "Women only. Ages 50 and over."
    assert f["accessibility"] == {
        "wheelchair": True, "women_only": True,
        "supports": ["Physical impairment", "Visual impairment"],
        "notes": "Step-free access from the car park."}
    assert f["contact"] == "hello@example.org / 0116 000 0000"
    assert f["attribution"] == "Example Leisure Trust"
    assert f["url"] == "https://example.org/walking-netball"


def test_missing_and_odd_fields_stay_unknown() -> None:
    data = {"@type": "SessionSeries", "id": 42, "name": "Chair Yoga \u2013 Mondays",
            "activity": ["Chair Yoga"], "location": place("The Hall", "Somewhere, Leicester"),
            "organizer": {"@type": "Person", "name": "A Private Person",
                          "telephone": "07700 900123"},
            "genderRestriction": "https://openactive.io/NoRestriction",
            "ageRange": {"minValue": "sixteen"}}
    f = map_data(data).fields
    assert f["name"] == "Chair Yoga - Mondays"  # GSM-7, ready for SMS
    assert f["activities"] == ["chair", "yoga"]
    assert f["postcode"] is None and f["district"] is None and f["latitude"] is None
    assert f["cost"] == "unknown" and f["price_text"] is None and f["level"] == "unknown"
    assert f["booking"] == "unknown" and f["schedule"] == []
    assert f["accessibility"] == {"women_only": False}  # everything else unknown
    assert f["contact"] is None and f["attribution"] is None  # never a person's details
    assert f["age_min"] is None and f["summary"] == "At The Hall."


def test_district_from_coordinates_when_there_is_no_postcode() -> None:
    data = session_series(3, "Park walk", ["Walking"],
                          location=place("Abbey Park gates", "Abbey Park Road, Leicester",
                                         52.647, -1.138))
    f = map_data(data).fields
    # The nearest district centre (approximate), never the non-geographic LE41 nearby.
    assert f["postcode"] is None and f["district"] == "LE1"
    assert (f["latitude"], f["longitude"]) == (52.647, -1.138)
    assert f["setting"] == "outdoors"


def test_online_sessions_are_online() -> None:
    data = session_series(4, "Online Pilates", ["Pilates"],
                          location={"@type": "VirtualLocation", "url": "https://meet.example"},
                          isAccessibleForFree=True)
    f = map_data(data).fields
    assert f["kind"] == "online" and f["setting"] == "online"
    assert f["activities"] == ["yoga", "home"] and f["company"] == ["group", "online"]
    assert f["cost"] == "free"


def test_scheduled_session_points_at_its_series_by_id() -> None:
    mapped = map_data(scheduled_session(
        7, SERIES_ID, "2026-03-04T14:00:00Z", "2026-03-04T15:00:00Z",
        offers=[{"@type": "Offer", "price": 2, "priceCurrency": "GBP"}]))
    assert mapped.data_type == "ScheduledSession" and mapped.parent_ref == SERIES_ID
    assert mapped.fields["start"] == "2026-03-04T14:00:00+00:00"
    assert mapped.fields["end"] == "2026-03-04T15:00:00+00:00"
    assert mapped.fields["cost"] == "low" and mapped.fields["parent"] is None
    assert mapped.fields["cancelled"] is False


def test_scheduled_session_with_an_embedded_series() -> None:
    embedded = session_series(9, "Aqua Aerobics", ["Aqua Aerobics"],
                              location=place("Example Leisure Centre", "Leicester LE1 5WW"))
    mapped = map_data(scheduled_session(8, embedded, "2026-03-05T10:00:00Z",
                                        duration="PT45M",
                                        eventStatus="https://schema.org/EventCancelled"))
    assert mapped.parent_ref == "https://example.org/session-series/9"
    parent = mapped.fields["parent"]
    assert parent["name"] == "Aqua Aerobics" and parent["activities"] == ["swimming"]
    assert parent["setting"] == "leisure" and parent["district"] == "LE1"
    assert mapped.fields["end"] == "2026-03-05T10:45:00+00:00"
    assert mapped.fields["cancelled"] is True


def test_facility_use_and_its_slot() -> None:
    facility = map_data(facility_use(1, "Main Pool - Lane Swimming", ["Swimming Pool"]))
    f = facility.fields
    assert facility.data_type == "FacilityUse" and f["kind"] == "place"
    assert f["activities"] == ["swimming"] and f["setting"] == "leisure"
    assert f["booking"] == "booking" and f["postcode"] == "LE11 1AA"
    assert f["district"] == "LE11" and f["attribution"] == "Example Leisure Trust"
    booked = map_data(slot(5, "https://example.org/facility-uses/1", "2026-03-03T18:00:00Z",
                           offers=[{"@type": "Offer", "price": 6.2, "priceCurrency": "GBP"}]))
    assert booked.data_type == "Slot"
    assert booked.parent_ref == "https://example.org/facility-uses/1"
    assert booked.fields["end"] == "2026-03-03T19:00:00+00:00"
    assert (booked.fields["cost"], booked.fields["price_text"]) == ("paid", "£6.20")


@pytest.mark.parametrize(("data", "reason"), [
    ("text", "data is not an object"),
    ({"name": "No type"}, "no @type"),
    ({"@type": "Event", "name": "A one-off"}, "unsupported type Event"),
    ({"@type": "SessionSeries", "name": "  "}, "no name"),
    ({"@type": "ScheduledSession", "startDate": "2026-03-02T10:00:00Z"}, "no superEvent"),
    ({"@type": "ScheduledSession", "superEvent": SERIES_ID}, "no startDate"),
    ({"@type": "ScheduledSession", "superEvent": SERIES_ID, "startDate": "tomorrow"},
     "no startDate"),
    ({"@type": "Slot", "startDate": "2026-03-02T10:00:00Z"}, "no facilityUse"),
    ({"@type": "Slot", "startDate": "2026-03-02T10:00:00Z", "facilityUse": {"x": 1}},
     "facilityUse has no id and no name"),
])
def test_unusable_items_give_a_short_reason(data: object, reason: str) -> None:
    with pytest.raises(MappingError) as raised:
        map_data(data)
    assert str(raised.value) == reason


def test_odd_shapes_never_crash_the_mapping() -> None:
    data = session_series(
        5, "Odd", [], level=3, offers="£2",
        ageRange=[], eventSchedule=[{"byDay": [["Monday"]], "startTime": 10}],
        location={"name": ["x"], "address": {"postalCode": 5}, "geo": {"latitude": [1]},
                  "amenityFeature": 5}, organizer=["not an organisation"], url=7)
    data["activity"] = {"prefLabel": 5}
    f = map_data(data).fields
    assert f["name"] == "Odd" and f["activities"] == [] and f["schedule"] == []
    assert f["cost"] == "unknown" and f["district"] is None and f["url"] is None
    assert f["accessibility"] == {}
