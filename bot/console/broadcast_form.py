"""The broadcast form, read and checked: the words, the audience (postcode districts as
typed, interests ticked, a channel) and when (now, or a date and time in Europe/London).

Nothing typed is trusted: districts must be ones the district table knows, interests ones
options.yaml offers, the channel one of three, and a time a real one that has not passed and
is at most `FURTHEST` ahead. Every field comes back as typed, to show again with its error
(field -> content key), so a mistake never loses what was written.

The words are screened too (`screen`): the safety screen every resident's message passes,
and the contact-detail detector of peer chats. What each finding does is decided below, at
`REFUSED`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from starlette.datastructures import FormData

from bot.broadcasts.audience import BOTH, CHANNELS, Audience
from bot.console.pages import LONDON
from bot.core.content import Content
from bot.core.safety import SafetyCategory
from bot.geo.districts import default_table, parse_district
from bot.peers.contact import ContactKind, contact_details
from bot.safety.screens import screen_for
from bot.safety.second_reader import cache_folder
from bot.staff.help import MAX_REPLY

log = logging.getLogger(__name__)

FURTHEST = timedelta(days=90)
MAX_DISTRICTS = 30
NOW, LATER = "now", "later"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_E = "console_broadcasts.errors."

# What the screen finds in a broadcast's words, and what follows.
#
# A person's phone number or email address is refused outright (the form comes back with
# the error, and the refusal is audited). A broadcast goes to hundreds of people at once,
# as from the Move Mates team, and no text can be called back; the service's own rule (peer
# chats) is that someone's contact details are passed on only when they agree, and nobody
# on a broadcast list can. Organisations' public numbers and mailboxes (999, NHS 111,
# Samaritans, the council: `content/public_contacts.yaml`) are let through by the detector
# itself, so "ring the council on ..." still goes; one held wrongly is added there.
#
# Everything else found only warns, and the broadcast needs an explicit yes (audited with
# what it was): links, postcodes, street addresses and usernames, because a meeting place,
# an event's page or the team's own account are what broadcasts are for, and no detector
# tells a venue's door from a home's; and words the safety screen reads as a crisis or an
# emergency, because an awareness week or "Samaritans are there day and night" are fair
# things to send, yet alarming to read by mistake, and anyone who answers in the same words
# gets the urgent-help reply.
REFUSED = (ContactKind.PHONE, ContactKind.EMAIL)
UNSCREENED = "unscreened"  # the screen failed: nobody knows, so it needs a yes too


@dataclass(frozen=True)
class Screened:
    """What the screens found. `refused`: contact kinds that stop it (REFUSED's values);
    `warnings`: reasons it may go only with an explicit yes, in a fixed order ("crisis",
    "red_flag", then contact kinds, or "unscreened"); keys under console_broadcasts.screen."""

    refused: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def detail(self) -> str:
        """For the audit log: what was found, never the words."""
        return ", ".join((*self.refused, *self.warnings))


def screen(content: Content, text: str) -> Screened:
    """`text` read by the safety screen for `content`'s language (the engine's own, shared:
    `screen_for` keeps one per language and cache folder) and by the contact-detail
    detector. Blocking: about 1 to 20 ms, or a few seconds the first time the screen is
    built in this process; run it off the event loop."""
    warnings: list[str] = []
    refused: list[str] = []
    try:
        findings = screen_for(content, cache=cache_folder()).assess(text).findings
        warnings += [category.value for category in SafetyCategory
                     if any(f.category is category for f in findings)]
        for kind in contact_details(text):
            (refused if kind in REFUSED else warnings).append(kind.value)
    except Exception as error:  # a fault in a screen must not let the words through unread
        log.error("a broadcast's screen failed (%s) on %d characters",
                  type(error).__name__, len(text))
        warnings.append(UNSCREENED)
    return Screened(tuple(refused), tuple(dict.fromkeys(warnings)))


@dataclass(frozen=True)
class Values:
    """The form as it was sent, to fill it in again."""

    text: str = ""
    districts: str = ""
    interests: tuple[str, ...] = ()
    channel: str = BOTH
    when: str = NOW
    day: str = ""
    clock: str = ""


@dataclass(frozen=True)
class Read:
    values: Values
    audience: Audience
    due: datetime | None  # None: now
    errors: dict[str, str] = field(default_factory=dict)


def values_of(form: FormData) -> Values:
    # Longer than any broadcast may be, but cut: nothing unbounded reaches the checks.
    return Values(
        text=str(form.get("text", ""))[:MAX_REPLY * 2],
        districts=str(form.get("districts", ""))[:500],
        interests=tuple(str(v)[:40] for v in form.getlist("interests")[:20]),
        channel=str(form.get("channel", BOTH))[:20],
        when=str(form.get("when", NOW))[:10],
        day=str(form.get("date", "")).strip()[:20],
        clock=str(form.get("time", "")).strip()[:10])


def read(form: FormData, interests: tuple[str, ...], now: datetime) -> Read:
    """The form checked; `interests`: the ids that may be ticked."""
    return check(values_of(form), interests, now)


def check(values: Values, interests: tuple[str, ...], now: datetime) -> Read:
    """`values` checked (as sent, or kept since): the audience, when, what is wrong."""
    errors: dict[str, str] = {}
    districts = districts_of(values.districts, errors)
    if any(i not in interests for i in values.interests):
        errors["interests"] = _E + "interests"
    if values.channel not in CHANNELS:
        errors["channel"] = _E + "channel"
    due = _when(values, now, errors)
    chosen = tuple(i for i in interests if i in values.interests)
    channel = values.channel if values.channel in CHANNELS else BOTH
    return Read(values, Audience(districts, chosen, channel), due, errors)


def districts_of(typed: str, errors: dict[str, str]) -> tuple[str, ...]:
    """"le11, LE12 le11" -> ("LE11", "LE12"); each must be in the district table."""
    table = default_table()
    found: list[str] = []
    for word in re.split(r"[\s,;]+", typed.strip()):
        if not word:
            continue
        district = parse_district(word)
        if district is None or district not in table:
            errors["districts"] = _E + "districts"
            return ()
        if district not in found:
            found.append(district)
    if len(found) > MAX_DISTRICTS:
        errors["districts"] = _E + "too_many_districts"
        return ()
    return tuple(found)


def _when(values: Values, now: datetime, errors: dict[str, str]) -> datetime | None:
    if values.when == NOW:
        return None
    if values.when != LATER:
        errors["when"] = _E + "when"
        return None
    day = _day(values.day)
    if day is None:
        errors["date"] = _E + "date"
    matched = _TIME.match(values.clock)
    if matched is None:
        errors["time"] = _E + "time"
    if day is None or matched is None:
        return None
    local = datetime.combine(day, time(int(matched[1]), int(matched[2])), tzinfo=LONDON)
    # A time the clocks skip (01:30 on the last Sunday in March) is read as the hour after.
    due = local.astimezone(LONDON).astimezone(now.tzinfo)
    if due <= now:
        errors["date"] = _E + "past"
    elif due > now + FURTHEST:
        errors["date"] = _E + "too_far"
    return due


def _day(raw: str) -> date | None:
    if len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
