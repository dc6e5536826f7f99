"""Small, defensive parsers for what publishers actually write: postcodes inside free-text
addresses, prices inside offer names, activity labels, levels, dates and weekly schedules.
Each returns None (or "unknown") rather than guessing."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.core.needs import DAYS
from bot.geo.districts import NEAREST_LIMIT_MILES, TABLE, Centroid, miles_between
from bot.places.schema import LOW_COST_LIMIT, Slot
from bot.places.text import plain

UK = ZoneInfo("Europe/London")

# --- postcodes -------------------------------------------------------------------------

_POSTCODE = r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})"
_POSTCODE_EXACT = re.compile(rf"^{_POSTCODE}$")
_POSTCODE_IN_TEXT = re.compile(rf"(?<![A-Z0-9]){_POSTCODE}(?![A-Z0-9])")


def parse_postcode(text: str) -> str | None:
    """'le1 5ww', 'LE15WW' -> 'LE1 5WW'; anything that is not exactly a postcode -> None."""
    squashed = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE_EXACT.match(squashed)
    return f"{match.group(1)} {match.group(2)}" if match else None


_POSTCODE_AT_END = re.compile(rf"(?<![A-Z0-9]){_POSTCODE}[\s,.]*(UK|United Kingdom)?[\s.]*$")


def find_postcode(text: str | None) -> str | None:
    """The last full UK postcode written in capitals in a free-text address (addresses
    end with one), or one in small letters at the very end; normalised, or None.

    Small letters only count at the end so that "Room B12 3rd floor" is no postcode.
    """
    if not text:
        return None
    squashed = re.sub(r"\s+", " ", text)
    found = _POSTCODE_IN_TEXT.findall(squashed)
    if found:
        return f"{found[-1][0]} {found[-1][1]}"
    match = _POSTCODE_AT_END.search(squashed.upper())
    return f"{match.group(1)} {match.group(2)}" if match else None


# Districts with few or no homes (bot/geo/README.md): never the district of a place.
NON_GEOGRAPHIC = frozenset({"LE41", "LE87", "LE94", "LE95"})


@cache
def _geographic_centroids() -> tuple[Centroid, ...]:
    with TABLE.open(newline="", encoding="utf-8") as handle:
        rows = [Centroid(r["district"].strip().upper(), float(r["latitude"]),
                         float(r["longitude"])) for r in csv.DictReader(handle)]
    return tuple(c for c in rows if c.district not in NON_GEOGRAPHIC)


def district_near(latitude: float, longitude: float) -> str | None:
    """The geographic district whose centre is nearest a point, if close enough."""
    best = min(_geographic_centroids(), default=None,
               key=lambda c: miles_between(latitude, longitude, c.latitude, c.longitude))
    if best is None or miles_between(latitude, longitude, best.latitude,
                                     best.longitude) > NEAREST_LIMIT_MILES:
        return None
    return best.district


# --- prices ----------------------------------------------------------------------------

_POUNDS = re.compile(r"£\s*(\d+(?:\.\d{1,2})?)")
_POUNDS_AFTER = re.compile(r"(\d+(?:\.\d{1,2})?)\s*(?:GBP|pounds?)\b", re.IGNORECASE)
_PENCE = re.compile(r"(?<![\d.])(\d{1,2})\s*p\b", re.IGNORECASE)
_FREE = re.compile(r"\bfree\b", re.IGNORECASE)
_NOT_FREE = re.compile(r"\b(not free|free for members|members free)\b", re.IGNORECASE)


def money_in(text: str | None) -> float | None:
    """The first amount in pounds written in a text ('£3.50', '3.50 GBP', '50p', 'Free')."""
    if not text:
        return None
    for pattern, scale in ((_POUNDS, 1.0), (_POUNDS_AFTER, 1.0), (_PENCE, 0.01)):
        match = pattern.search(text)
        if match:
            return round(float(match.group(1)) * scale, 2)
    if _FREE.search(text) and not _NOT_FREE.search(text):
        return 0.0
    return None


def _amount(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if isinstance(value, str):
        try:
            number = float(value.strip().lstrip("£"))
        except ValueError:
            return None
        return number if number >= 0 else None
    return None


def _format(amount: float, currency: str) -> str:
    if amount == 0:
        return "Free"
    text = f"{amount:.2f}".removesuffix(".00")
    return f"£{text}" if currency == "GBP" else f"{text} {currency}"


def parse_offers(offers: object, accessible_for_free: object = None,
                 ) -> tuple[str, str | None]:
    """(cost, price_text) from OpenActive `offers` and `isAccessibleForFree`.

    cost is free (every published price is nothing, or the publisher says free), low (a
    published price of £5 or less), paid, or unknown (no usable price). price_text repeats
    only what was published: offer names and amounts, e.g. "Adult £5, Concession £3.50".
    """
    items = offers if isinstance(offers, list) else [offers] if isinstance(offers, dict) else []
    amounts: list[float] = []
    texts: list[str] = []
    for offer in items:
        if not isinstance(offer, dict):
            continue
        name = plain(offer.get("name"), 60)
        currency = str(offer.get("priceCurrency") or "GBP").upper()
        amount = _amount(offer.get("price"))
        if amount is None:
            amount = money_in(name)
        if amount is not None and currency == "GBP":
            amounts.append(amount)
        if amount is None:
            if name:
                texts.append(name)
            continue
        shown = _format(amount, currency)
        if name and money_in(name) == amount:
            texts.append(name)  # the name already says the price, e.g. "£3.50 per session"
        elif name and name.lower() != shown.lower():
            texts.append(f"{name} {shown}")
        else:
            texts.append(shown)
    price_text = plain(", ".join(dict.fromkeys(texts)), 160) if texts else None
    if accessible_for_free is True or (amounts and max(amounts) == 0):
        return "free", price_text or "Free"
    if not amounts:
        return "unknown", price_text
    return ("low" if min(amounts) <= LOW_COST_LIMIT else "paid"), price_text


# --- activities and levels -----------------------------------------------------------------

_TEAM_SPORTS = r"football|netball|rugby|cricket|basketball|hockey|volleyball|rounders|softball"
# Checked in order. A rule marked True removes what it matched, so "walking football" is a
# team sport and not also a walk, and "aqua aerobics" is swimming and not also the gym.
_ACTIVITY_RULES: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(pattern), activity, consume) for pattern, activity, consume in (
        (rf"\bwalking ({_TEAM_SPORTS}|badminton|tennis|netball)\b", "team", True),
        (r"\bgreen gym\b", "gardening", True),
        (r"\b(aqua\w*( aerobics| fit| zumba)?|water aerobics|hydro\w*)\b", "swimming", True),
        (r"\b(indoor cycling|spin\w*)\b", "gym", True),
        (r"\b(walk\w*|rambl\w*|hik(e|es|ing)|nordic)\b", "walking", False),
        (r"\bswim\w*|\bpool\b", "swimming", False),
        (r"\b(danc\w*|zumba|ballroom|ballet|salsa|bollywood|bhangra|jive|tango)\b",
         "dancing", False),
        (r"\b(chair\w*|seated|sit\w* (fit|down))\b", "chair", False),
        (r"\b(garden\w*|allotment\w*|conservation)\b", "gardening", False),
        (r"\b(cycl\w*|bike\w*|biking|bmx)\b", "cycling", False),
        (r"\b(yoga|pilates|tai ?chi|qi ?gong|chi ?kung|stretch\w*)\b", "yoga", False),
        (rf"\b({_TEAM_SPORTS}|bowls|badminton|tennis|table tennis|pickleball|squash|"
         r"boccia|sports?)\b", "team", False),
        (r"\b(gym\w*|fitness|circuit\w*|strength|weights?|body ?pump|boxercise|aerobics|"
         r"hiit|bootcamp|boot camp|conditioning|keep fit|exercise class\w*)\b",
         "gym", False),
    )
)


def activities_from_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """Our activity ids for publisher labels ('Walking Football' -> team). Labels we do
    not recognise add nothing: an unknown activity is left unknown."""
    found: list[str] = []
    for label in labels:
        text = " ".join(str(label).lower().replace("-", " ").split())
        for pattern, activity, consume in _ACTIVITY_RULES:
            if pattern.search(text):
                found.append(activity)
                if consume:
                    text = pattern.sub(" ", text)
    return tuple(dict.fromkeys(found))


def level_from_labels(labels: Iterable[str]) -> str:
    """gentle / moderate / demanding / any / unknown from OpenActive `level` labels."""
    seen = set()
    for label in labels:
        text = str(label).lower()
        if re.search(r"\ball\b|any|mixed|everyone", text):
            seen.add("any")
        elif re.search(r"beginner|gentle|low impact|easy|introduct", text):
            seen.add("gentle")
        elif re.search(r"intermediate|moderate|improver", text):
            seen.add("moderate")
        elif re.search(r"advanced|expert|high intensity|elite", text):
            seen.add("demanding")
    if "any" in seen or len(seen) > 1:
        return "any"
    return seen.pop() if seen else "unknown"


# --- dates, times and schedules ---------------------------------------------------------------

_DAY_NAMES = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
    "mo": "mon", "tu": "tue", "we": "wed", "th": "thu", "fr": "fri", "sa": "sat", "su": "sun",
}
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date-time as aware UTC (a time with no zone is taken as UK time);
    None for a bare date or anything unreadable."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UK)
    return moment.astimezone(UTC)


def parse_duration(value: object) -> timedelta | None:
    """'PT1H30M' -> 90 minutes; None when unreadable."""
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.strip().upper())
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def day_of(value: object) -> str | None:
    """'https://schema.org/Monday', 'schema:Monday', 'Monday' or 'MO' -> 'mon'."""
    if not isinstance(value, str):
        return None
    name = re.split(r"[/#:]", value.strip())[-1].lower()
    return _DAY_NAMES.get(name)


def clock_time(value: object) -> str | None:
    """'10:00' or '10:00:00' -> '10:00'."""
    if not isinstance(value, str):
        return None
    match = re.match(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9](\.\d+)?)?(Z|[+-].*)?$",
                     value.strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _add(start: str, length: timedelta | None) -> str | None:
    if length is None:
        return None
    hours, minutes = map(int, start.split(":"))
    end = datetime(2000, 1, 1, hours, minutes) + length
    return end.strftime("%H:%M") if end.day == 1 and end.strftime("%H:%M") > start else None


def slot_for(start: datetime, end: datetime | None = None,
             length: timedelta | None = None) -> Slot:
    """The weekly slot (UK local day and times) a dated session or booking slot falls in."""
    local = start.astimezone(UK)
    begin = local.strftime("%H:%M")
    finish = None
    if end is not None and end > start:
        local_end = end.astimezone(UK)
        if local_end.date() == local.date():
            finish = local_end.strftime("%H:%M")
    elif length is not None:
        finish = _add(begin, length)
    return Slot(DAYS[local.weekday()], begin, finish)


def parse_event_schedule(schedules: object) -> tuple[tuple[Slot, ...], str | None]:
    """Weekly slots from OpenActive `eventSchedule` (PartialSchedule / Schedule), plus a
    note when a schedule is not weekly (monthly, fortnightly...), whose days we do not
    turn into slots: "every Monday" would be wrong for "first Monday of the month"."""
    items = schedules if isinstance(schedules, list) else [schedules] if isinstance(
        schedules, dict) else []
    slots: list[Slot] = []
    note = None
    for schedule in items:
        if not isinstance(schedule, dict):
            continue
        frequency = str(schedule.get("repeatFrequency") or "P1W").upper()
        if frequency not in ("P1W", "P7D", "P1D") or schedule.get("byMonthDay") or \
                schedule.get("byMonthWeek") or schedule.get("byMonth"):
            note = "Not every week: check the dates before you go."
            continue
        start = clock_time(schedule.get("startTime"))
        if start is None:
            continue
        end = clock_time(schedule.get("endTime"))
        if end is None or end <= start:
            end = _add(start, parse_duration(schedule.get("duration")))
        by_day = schedule.get("byDay")
        days_given = by_day if isinstance(by_day, list) else [by_day] if by_day else []
        days = [d for d in (day_of(v) for v in days_given) if d]
        if not days and frequency == "P1D":
            days = list(DAYS)
        slots += [Slot(day, start, end) for day in days]
    ordered = sorted(set(slots), key=lambda s: (DAYS.index(s.day), s.start))
    return tuple(ordered), note


# --- settings ---------------------------------------------------------------------------------

_VENUES = (
    (re.compile(r"leisure|sports? cent|swimming|pool|gym|fitness|lido|sports? hall|"
                r"sports? club|stadium"), "leisure"),
    (re.compile(r"\bpark\b|country park|woods?\b|forest|field|common|reservoir|canal|"
                r"towpath|meadow|nature reserve|allotment|outdoor"), "outdoors"),
    (re.compile(r"hall|church|chapel|centre|center|library|community|school|college|"
                r"temple|mosque|gurdwara|mandir|club|pavilion|hub|house"), "community"),
)


def setting_from(venue_text: str | None, activities: tuple[str, ...]) -> str | None:
    """Where it happens, from words in the venue's name and address, else from the
    activity (a walk is outdoors, a swim is at a leisure centre); None when unclear."""
    text = (venue_text or "").lower()
    for pattern, setting in _VENUES:
        if pattern.search(text):
            return setting
    for activity, setting in (("walking", "outdoors"), ("cycling", "outdoors"),
                              ("swimming", "leisure"), ("gym", "leisure")):
        if activity in activities:
            return setting
    return None
