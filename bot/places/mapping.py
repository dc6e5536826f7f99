"""OpenActive `data` objects -> our fields, without trusting any field to be present.

Four types are used: SessionSeries and FacilityUse (what a person would choose) and
ScheduledSession and Slot (dated times that belong to one of those, through `superEvent`
and `facilityUse`). The result is JSON-ready, stored per feed item, and joined into
`Opportunity` rows when the catalogue loads (see bot.places.assemble).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.textnorm import storable
from bot.geo.districts import parse_district
from bot.places.parsing import (
    activities_from_labels,
    district_near,
    find_postcode,
    level_from_labels,
    parse_datetime,
    parse_duration,
    parse_event_schedule,
    parse_offers,
    parse_postcode,
    setting_from,
)
from bot.places.text import TEXT_LIMIT, first_sentence, plain

PARENT_TYPES = ("SessionSeries", "FacilityUse", "IndividualFacilityUse")
CHILD_TYPES = ("ScheduledSession", "Slot")
SUPPORTED_TYPES = PARENT_TYPES + CHILD_TYPES
_CANCELLED = ("EventCancelled", "EventPostponed")


class MappingError(ValueError):
    """An item that cannot be used. The message is a short reason, counted in reports."""


@dataclass(frozen=True)
class MappedItem:
    data_type: str
    data_id: str | None  # the data's own @id, which children refer to
    parent_ref: str | None  # for ScheduledSession and Slot: their series or facility
    fields: dict[str, Any]


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def type_of(data: dict[str, Any]) -> str | None:
    value = _first(data.get("@type", data.get("type")))
    return value.split(":")[-1] if isinstance(value, str) else None


def id_of(data: dict[str, Any]) -> str | None:
    value = data.get("@id", data.get("id"))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    value = storable(value).strip() if isinstance(value, str) else None
    return value or None


def labels(value: object) -> list[str]:
    """prefLabel of each Concept (or the strings themselves) in a list or single value."""
    items = value if isinstance(value, list) else [value] if value else []
    out = []
    for item in items:
        label = item.get("prefLabel") if isinstance(item, dict) else item
        cleaned = plain(label, 80)
        if cleaned:
            out.append(cleaned)
    return out


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _coordinate(value: object, low: float, high: float) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _address(value: object) -> tuple[str | None, str | None]:
    """(address text, postcode) from a PostalAddress object or free text."""
    if isinstance(value, str):
        text = plain(value, 160)
        return text, find_postcode(text)
    if not isinstance(value, dict):
        return None, None
    parts = [value.get(key) for key in ("streetAddress", "addressLocality", "postalCode")]
    text = plain(", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip()), 160)
    given = value.get("postalCode")
    postcode = parse_postcode(given) if isinstance(given, str) else None
    return text, postcode or find_postcode(text)


def _location(data: dict[str, Any]) -> dict[str, Any]:
    place = _first(data.get("location"))
    virtual = data.get("beta:virtualLocation") or data.get("virtualLocation")
    mode = str(data.get("eventAttendanceMode") or "")
    out: dict[str, Any] = {"virtual": bool(virtual) or mode.endswith("OnlineEventAttendanceMode")}
    if not isinstance(place, dict):
        return out
    if type_of(place) == "VirtualLocation":
        out["virtual"] = True
        return out
    venue = plain(place.get("name"), 80)
    address, postcode = _address(place.get("address"))
    if postcode is None and venue:
        postcode = find_postcode(venue)
    geo = place.get("geo") if isinstance(place.get("geo"), dict) else {}
    latitude = _coordinate(geo.get("latitude"), -90, 90)
    longitude = _coordinate(geo.get("longitude"), -180, 180)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        latitude = longitude = None
    district = parse_district(postcode) if postcode else None
    if district is None and latitude is not None and longitude is not None:
        district = district_near(latitude, longitude)
    amenities = {}
    features = place.get("amenityFeature")
    for feature in features if isinstance(features, list) else []:
        if isinstance(feature, dict):
            kind, value = type_of(feature), _flag(feature.get("value"))
            if kind in ("Toilets", "Parking") and value is not None:
                amenities[kind.lower()] = value
    out.update(venue=venue, address=address, postcode=postcode, district=district,
               latitude=latitude, longitude=longitude, amenities=amenities,
               wheelchair=_flag(place.get("beta:isWheelchairAccessible")))
    return out


def _organiser(data: dict[str, Any]) -> dict[str, Any]:
    """Name, public contact and web address of an organising *organisation*. A Person as
    organiser gives nothing: we never pass on a private individual's details."""
    organiser = _first(data.get("organizer") or data.get("provider"))
    if not isinstance(organiser, dict) or type_of(organiser) == "Person":
        return {}
    contact = " / ".join(c for c in (plain(organiser.get("email"), 80),
                                     plain(organiser.get("telephone"), 30)) if c)
    url = organiser.get("url")
    return {"attribution": plain(organiser.get("name"), 80), "contact": contact or None,
            "url": url if isinstance(url, str) and url.startswith("http") else None}


def _who_for(data: dict[str, Any]) -> dict[str, Any]:
    ages = data.get("ageRange") if isinstance(data.get("ageRange"), dict) else {}
    low = ages.get("minValue")
    high = ages.get("maxValue")
    low = low if isinstance(low, int) and not isinstance(low, bool) and low >= 0 else None
    high = high if isinstance(high, int) and not isinstance(high, bool) and high > 0 else None
    gender = str(data.get("genderRestriction") or "")
    women_only = True if gender.endswith("FemaleOnly") else False if gender.endswith(
        ("MaleOnly", "NoRestriction")) else None
    parts = []
    if gender.endswith("FemaleOnly"):
        parts.append("Women only")
    elif gender.endswith("MaleOnly"):
        parts.append("Men only")
    if low is not None and high is not None:
        parts.append(f"Ages {low} to {high}")
    elif low:
        parts.append(f"Ages {low} and over")
    elif high is not None:
        parts.append(f"Up to age {high}")
    return {"age_min": low, "age_max": high, "women_only": women_only,
            "who_for": ". ".join(parts) + "." if parts else None}


def _booking(data: dict[str, Any], data_type: str) -> str:
    if data_type in ("FacilityUse", "IndividualFacilityUse", "Slot"):
        return "booking"
    offers = data.get("offers") if isinstance(data.get("offers"), list) else []
    advance = {str(o.get("advanceBooking") or "").rsplit("/", 1)[-1]
               for o in offers if isinstance(o, dict)}
    if "Required" in advance:
        return "booking"
    if advance & {"Optional", "Unavailable"}:
        return "drop_in"
    return "unknown"


def describe(data: dict[str, Any], data_type: str) -> dict[str, Any]:
    """What a person would choose: a series, a facility, or a series embedded in a
    session's `superEvent`."""
    place = _location(data)
    activity_labels = labels(data.get("activity")) + labels(data.get("facilityType"))
    activities = list(activities_from_labels(activity_labels))
    virtual = place.pop("virtual")
    if virtual and "home" not in activities:
        activities.append("home")
    venue_text = " ".join(filter(None, (place.get("venue"), place.get("address"))))
    if virtual:
        setting = "online"
    elif data_type in ("FacilityUse", "IndividualFacilityUse"):
        setting = setting_from(venue_text, ()) or "leisure"
    else:
        setting = setting_from(venue_text, tuple(activities))
    cost, price_text = parse_offers(data.get("offers"), _flag(data.get("isAccessibleForFree")))
    schedule, schedule_note = parse_event_schedule(data.get("eventSchedule"))
    people = _who_for(data)
    organiser = _organiser(data)
    name = plain(data.get("name"), 80)
    url = data.get("url") if isinstance(data.get("url"), str) else None
    accessibility = {
        "wheelchair": _flag(data.get("beta:isWheelchairAccessible")),
        "women_only": people.pop("women_only"),
        **place.pop("amenities", {}),
        "supports": labels(data.get("accessibilitySupport")),
        "notes": plain(data.get("accessibilityInformation"), TEXT_LIMIT),
    }
    if accessibility["wheelchair"] is None:
        accessibility["wheelchair"] = place.pop("wheelchair", None)
    place.pop("wheelchair", None)
    summary = first_sentence(data.get("description")) or (
        plain(f"At {place['venue']}.") if place.get("venue") else None)
    is_session = data_type == "SessionSeries"
    return {
        "kind": ("online" if virtual else "session") if is_session else "place",
        "name": name,
        "summary": summary,
        "activities": activities,
        "activity_labels": activity_labels,
        "setting": setting,
        "company": (["group", "online"] if virtual else ["group"]) if is_session else [],
        **place,
        "schedule": [slot.to_dict() for slot in schedule],
        "schedule_note": schedule_note,
        "cost": cost,
        "price_text": price_text,
        "accessibility": {k: v for k, v in accessibility.items() if v not in (None, [])},
        "level": level_from_labels(labels(data.get("level"))),
        **people,
        "booking": _booking(data, data_type),
        "contact": organiser.get("contact"),
        "url": url if url and url.startswith("http") else organiser.get("url"),
        "attribution": organiser.get("attribution"),
        "sessions": _sub_events(data.get("subEvent")),
    }


def _when(data: dict[str, Any]) -> dict[str, Any]:
    """A dated occurrence: start and end (ISO, UTC) and whether it is cancelled."""
    start = parse_datetime(data.get("startDate"))
    if start is None:
        raise MappingError("no startDate")
    end = parse_datetime(data.get("endDate"))
    if end is None and (length := parse_duration(data.get("duration"))) is not None:
        end = start + length
    status = str(data.get("eventStatus") or "")
    return {"start": start.isoformat(), "end": end.isoformat() if end and end > start else None,
            "cancelled": status.endswith(_CANCELLED)}


def _sub_events(value: object) -> list[dict[str, Any]]:
    """Sessions a publisher embedded in the series itself (`subEvent`)."""
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            try:
                out.append(_when(item))
            except MappingError:
                continue
    return out


def _parent(data: dict[str, Any], key: str) -> tuple[str | None, dict[str, Any] | None]:
    """The series or facility a dated item belongs to: an id, or an embedded object."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip(), None
    if isinstance(value, dict):
        parent_type = type_of(value) or ("SessionSeries" if key == "superEvent"
                                         else "FacilityUse")
        embedded = describe(value, parent_type)
        return id_of(value), embedded if embedded["name"] else None
    raise MappingError(f"no {key}")


def map_data(data: object) -> MappedItem:
    """One RPDE item's `data`. Raises MappingError with a short reason when unusable."""
    if not isinstance(data, dict):
        raise MappingError("data is not an object")
    data_type = type_of(data)
    if data_type is None:
        raise MappingError("no @type")
    if data_type not in SUPPORTED_TYPES:
        raise MappingError(f"unsupported type {data_type}")
    data_id = id_of(data)
    if data_type in PARENT_TYPES:
        fields = describe(data, data_type)
        if not fields["name"]:
            raise MappingError("no name")
        return MappedItem(data_type, data_id, None, fields)
    key = "superEvent" if data_type == "ScheduledSession" else "facilityUse"
    parent_ref, embedded = _parent(data, key)
    fields = _when(data)
    cost, price_text = parse_offers(data.get("offers"), _flag(data.get("isAccessibleForFree")))
    fields.update(cost=cost, price_text=price_text, parent=embedded)
    if parent_ref is None and embedded is None:
        raise MappingError(f"{key} has no id and no name")
    return MappedItem(data_type, data_id, parent_ref, fields)
