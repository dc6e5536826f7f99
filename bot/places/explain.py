"""Suggestions in words: why one might suit someone, more about it, and how to go.

Every word comes from content/en/suggest.yaml (and labels from options.yaml); facts come
from the catalogue exactly as published. Where we don't know something, we say so and
ask the person to check: a wrong time, price or access detail can waste a trip.

- `why(...)`: one plain sentence from the top one or two reasons, in the person's terms.
- `check_first(...)`: one sentence on what we don't know yet, or None.
- `shortfall(...)`: one honest sentence on which need left no place to go.
- `describe_parts(...)` / `describe(...)`: "tell me more", as short paragraphs.
- `how_to_go_parts(...)` / `how_to_go(...)`: "I'd like to go".
- `messages(parts)`: paragraphs packed into texts of at most two SMS each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from bot.core.content import CONTENT_ROOT, Content
from bot.core.gsm7 import fits, measure, septets
from bot.core.needs import ACCESS_FIELDS, DAYS, VENUES, WHERE, Needs
from bot.core.style import Rules, grade
from bot.places.ranking import Reason, Suggestion, access_facts
from bot.places.schema import Opportunity, Slot
from bot.places.text import plain

SMS_LIMIT = 306  # two SMS segments
WHY_CANDIDATES = 4  # reasons tried, in order, as the second half of `why`
MAX_SLOTS_SHOWN = 4
# Published notes are cut to one text's worth before we add them.
NOTES_LIMIT = 160
FEATURES_PER_SENTENCE = 3
# Facts listed in "tell me more", in this order (bus route and parking go under
# getting there; women-only has its own sentence).
_DESCRIBED = ("step_free", "wheelchair", "accessible_toilet", "hearing_loop", "quiet_times",
              "seated_options", "flat_paths", "benches", "toilets")

Labels = Mapping[str, str]


# --- small helpers ---------------------------------------------------------------------
def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """A label inside a sentence: "Walking" -> "walking" (but "LE4" stays "LE4")."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _label(content: Content, labels: Labels | None, options: str, option_id: str) -> str:
    """The person's own word for an answer when we have it, else the option's label."""
    if labels and f"{options}.{option_id}" in labels:
        return labels[f"{options}.{option_id}"]
    return content.text(f"options.{options}.{option_id}.label")


def _activity(content: Content, labels: Labels | None, activity: str) -> str:
    if labels and f"activities.{activity}" in labels:
        return labels[f"activities.{activity}"]
    if content.has(f"suggest.activity.{activity}"):
        return content.text(f"suggest.activity.{activity}")
    return _lower_first(content.text(f"options.activities.{activity}.label"))


def join(content: Content, items: Sequence[str], word: str = "and") -> str:
    """"a", "a and b", "a, b and c" (word: "and" or "or")."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {content.text(f'suggest.{word}')} {items[-1]}"


def clock(content: Content, hhmm: str) -> str:
    """"09:00" -> "9am", "13:30" -> "1:30pm", "12:00" -> "12 noon"."""
    hours, minutes = int(hhmm[:2]), hhmm[3:5]
    if hours == 12 and minutes == "00":
        return content.text("suggest.clock.noon")
    hour = str(hours % 12 or 12) + ("" if minutes == "00" else f":{minutes}")
    return content.text("suggest.clock.am" if hours < 12 else "suggest.clock.pm", hour=hour)


def _whole_miles(miles: float) -> str:
    return str(max(2, round(miles)))


# --- why -------------------------------------------------------------------------------
def reason_clause(content: Content, reason: Reason, needs: Needs, suggestion: Suggestion,
                  labels: Labels | None = None) -> str:
    """One reason as a lower-case clause, e.g. "it's free"."""
    code, value = reason.code, reason.value
    if code == "activity":
        return content.text("suggest.reason.activity",
                            activity=_activity(content, labels, str(value)))
    if code == "near":
        return _near_clause(content, float(value or 0.0), needs, suggestion.opportunity)
    if code == "time":
        day, part = str(value).split(":")
        return content.text("suggest.reason.time", day=_label(content, labels, "days", day),
                            time_of_day=_lower_first(_label(content, labels, "times", part)))
    if code == "any_time":
        key = "any_time_home" if suggestion.opportunity.is_remote else "any_time"
        return content.text(f"suggest.reason.{key}")
    if code in ("company", "setting", "access"):
        return content.text(f"suggest.reason.{code}.{value}")
    return content.text(f"suggest.reason.{code}")


def _near_clause(content: Content, miles: float, needs: Needs, item: Opportunity) -> str:
    shared = needs.latitude is not None or not needs.district  # "from you"
    if not shared and needs.district and item.district == needs.district \
            and item.latitude is None:
        # Both are the district's centre: "0 miles" would be false precision.
        return content.text("suggest.reason.in_district", district=needs.district)
    base = "suggest.reason.near_you" if shared else "suggest.reason.near"
    if miles < 1:
        return content.text(f"{base}_close", district=needs.district or "")
    if miles < 1.5:
        return content.text(f"{base}_one", district=needs.district or "")
    return content.text(base, miles=_whole_miles(miles), district=needs.district or "")


@cache
def _rules() -> Rules:
    return Rules.load(CONTENT_ROOT)


def readable(text: str) -> bool:
    """Within the content lint's reading level and length (content/lint.yaml)."""
    rules = _rules()
    if septets(text) > rules.max_chars or not fits(text, measure("a" * rules.max_chars).segments):
        return False
    return len(text.split()) < rules.min_words_for_grade or grade(text) <= rules.max_grade


def why(content: Content, suggestion: Suggestion, needs: Needs,
        labels: Labels | None = None) -> str:
    """One plain sentence on why it might suit them: its top reason, and the next
    reason that still reads easily with it (two long clauses together can push a
    sentence past reading age 11; then the top reason goes alone).

    `labels` may give the person's own words for an answer, keyed like
    "activities.walking"; otherwise the option labels are used."""
    clauses = [reason_clause(content, reason, needs, suggestion, labels)
               for reason in suggestion.reasons[:WHY_CANDIDATES]]
    if not clauses:
        return content.text("suggest.why.fallback")
    for second in clauses[1:]:
        text = _capital(content.text("suggest.why.two", first=clauses[0], second=second))
        if readable(text):
            return text
    return _capital(content.text("suggest.why.one", first=clauses[0]))


def check_first(content: Content, suggestion: Suggestion) -> str | None:
    """One sentence on what to check before going, or None when there is nothing."""
    unknowns = []
    for caveat in suggestion.caveats:
        if caveat == "cost_unknown":
            unknowns.append(content.text("suggest.check.cost"))
        elif caveat == "times_unknown":
            unknowns.append(content.text("suggest.check.times"))
        elif caveat == "distance_unknown":
            unknowns.append(content.text("suggest.check.distance"))
        elif caveat.startswith("access_unknown:"):
            feature = caveat.split(":", 1)[1]
            unknowns.append(content.text(f"suggest.check.access.{feature}"))
    if unknowns:
        return content.text("suggest.check.unknown", unknowns=join(content, unknowns, "or"))
    if "unverified" in suggestion.caveats and suggestion.opportunity.kind != "at_home":
        # An idea for home has no provider and no facts to check (as `describe` says).
        return content.text("suggest.check.unverified")
    return None


# --- when no place fits -----------------------------------------------------------------
def shortfall(content: Content, gaps: Sequence[str], needs: Needs) -> str:
    """One sentence saying honestly which of their needs left no place to go near them
    (`gaps` from `RankingIndex.why_no_places`), naming the need when there is one."""
    gap = gaps[0] if len(gaps) == 1 else "together"
    if gap in ("place", "access"):
        named = [w for w in WHERE if w in needs.settings and w in VENUES] if gap == "place" \
            else [name for name in ACCESS_FIELDS if name in needs.access]
        which = named[0] if len(named) == 1 else "several"
        return content.text(f"suggest.limits.{gap}.{which}")
    if gap == "cost":
        return content.text(f"suggest.limits.cost.{needs.max_cost}")
    if gap in ("times", "near"):
        return content.text(f"suggest.limits.{gap}")
    return content.text("suggest.limits.together")


# --- tell me more ----------------------------------------------------------------------
def describe_parts(content: Content, opportunity: Opportunity, *, miles: float | None = None,
                   needs: Needs | None = None) -> list[str]:
    """"Tell me more" as short paragraphs: what, who for, when, cost, access, getting
    there, booking, contact, and whether our team has checked it. `miles` and `needs`
    (both optional) add the distance and what they need that we don't know yet."""
    item = opportunity
    parts = [content.text("suggest.describe.name", place_name=item.name),
             content.text("suggest.describe.summary", summary=item.summary)]
    if item.details:
        parts.append(content.text("suggest.describe.details", details=item.details))
    parts += _who_for(content, item)
    parts.append(_when(content, item))
    parts.append(_cost(content, item))
    parts += _access(content, item, needs)
    parts += _getting_there(content, item, miles, needs)
    parts.append(_booking(content, item))
    if item.level in ("gentle", "any", "moderate", "demanding"):
        parts.append(content.text(f"suggest.describe.level.{item.level}"))
    parts += _contact(content, item)
    parts.append(_checked(content, item))
    return [part for part in parts if part]


def describe(content: Content, opportunity: Opportunity, *, miles: float | None = None,
             needs: Needs | None = None) -> str:
    """`describe_parts` as one text, a paragraph a line (channels split at lines)."""
    return "\n".join(describe_parts(content, opportunity, miles=miles, needs=needs))


def _who_for(content: Content, item: Opportunity) -> list[str]:
    parts = []
    if item.who_for:
        parts.append(content.text("suggest.describe.who_for", who_for=item.who_for))
    elif item.age_min is not None and item.age_max is not None:
        parts.append(content.text("suggest.describe.ages_between", age_min=item.age_min,
                                  age_max=item.age_max))
    elif item.age_min is not None:
        parts.append(content.text("suggest.describe.ages_from", age_min=item.age_min))
    elif item.age_max is not None:
        parts.append(content.text("suggest.describe.ages_up_to", age_max=item.age_max))
    return parts


def _slot(content: Content, slot: Slot) -> str:
    day = content.text(f"options.days.{slot.day}.label")
    if slot.end:
        return content.text("suggest.describe.slot_range", day=day,
                            start=clock(content, slot.start), end=clock(content, slot.end))
    return content.text("suggest.describe.slot", day=day, start=clock(content, slot.start))


def _when(content: Content, item: Opportunity) -> str:
    if item.schedule:
        slots = sorted(item.schedule, key=lambda s: (DAYS.index(s.day), s.start))
        lines = [_slot(content, slot) for slot in slots[:MAX_SLOTS_SHOWN]]
        if len(slots) > MAX_SLOTS_SHOWN:
            lines.append(content.text("suggest.describe.more_times"))
    elif item.kind == "session":
        lines = [content.text("suggest.describe.when_unknown")]
    elif item.kind == "programme":
        lines = [content.text("suggest.describe.when_programme")]
    elif item.is_remote:
        lines = [content.text("suggest.describe.when_home")]
    else:
        lines = [content.text("suggest.describe.when_place")]
    if item.schedule_note:
        lines.append(content.text("suggest.describe.when_note", note=item.schedule_note))
    return " ".join(lines)


def _cost(content: Content, item: Opportunity) -> str:
    if item.cost == "free":
        return content.text("suggest.describe.cost_free")
    if item.cost in ("low", "paid") and item.price_text:
        return content.text("suggest.describe.cost_published", price=item.price_text)
    if item.cost == "low":
        return content.text("suggest.describe.cost_low")
    if item.cost == "paid":
        return content.text("suggest.describe.cost_paid")
    return content.text("suggest.describe.cost_unknown")


def _features(content: Content, key: str, names: Sequence[str]) -> list[str]:
    """Short list sentences ("It has: step-free access, hearing loop."), up to three
    features each: longer lists are hard to read."""
    words = [content.text(f"suggest.describe.feature.{name}") for name in names]
    return [content.text(key, features=", ".join(words[n:n + FEATURES_PER_SENTENCE]))
            for n in range(0, len(words), FEATURES_PER_SENTENCE)]


def _access(content: Content, item: Opportunity, needs: Needs | None) -> list[str]:
    """Known facts as facts; unknown ones they need, as a question to ask."""
    facts = item.accessibility
    if item.is_remote:
        return [] if facts.seated_options is not True else \
            _features(content, "suggest.describe.access_yes", ["seated_options"])
    sentences = []
    if facts.women_only is True:
        sentences.append(content.text("suggest.describe.women_only"))
    known = facts.known()
    sentences += _features(content, "suggest.describe.access_yes",
                           [n for n in _DESCRIBED if known.get(n) is True])
    sentences += _features(content, "suggest.describe.access_no",
                           [n for n in _DESCRIBED if known.get(n) is False])
    # What follows by plain logic is known too (a wheelchair ramp means step-free).
    implied = access_facts(item)
    wanted = [n for n in ACCESS_FIELDS if needs and n in needs.access and implied[n] is None]
    if wanted:
        sentences += _features(content, "suggest.describe.access_ask", wanted)
    elif not any(n in known for n in (*ACCESS_FIELDS, *_DESCRIBED)):
        sentences.append(content.text("suggest.describe.access_none_known"))
    notes = plain(facts.notes, NOTES_LIMIT)
    if notes:
        sentences.append(content.text("suggest.describe.access_notes", notes=notes))
    return [" ".join(sentences)] if sentences else []


def _where(item: Opportunity) -> str | None:
    """The address as published (with its postcode), else the area and district."""
    place = item.address or item.area
    code = item.postcode or item.district
    if place and code and code not in place:
        return f"{place}, {code}"
    return place or code


def _getting_there(content: Content, item: Opportunity, miles: float | None,
                   needs: Needs | None) -> list[str]:
    if item.is_remote:
        key = "at_home" if item.kind == "at_home" else "online"
        return [content.text(f"suggest.describe.{key}")]
    sentences = []
    where = _where(item)
    if where:
        sentences.append(content.text("suggest.describe.where", where=where))
    if miles is not None and needs is not None:
        sentences.append(_capital(_near_clause(content, miles, needs, item)) + ".")
    facts = item.accessibility
    if facts.bus_route is True:
        sentences.append(content.text("suggest.describe.bus"))
    if facts.parking is not None:
        sentences.append(content.text("suggest.describe.parking" if facts.parking else
                                      "suggest.describe.no_parking"))
    return [" ".join(sentences)] if sentences else []


def _booking(content: Content, item: Opportunity) -> str:
    if item.is_remote and item.booking != "booking":
        return ""  # nothing to turn up to
    key = item.booking if item.booking in ("drop_in", "booking", "referral") else \
        "booking_unknown"
    return content.text(f"suggest.describe.{key}")


def _contact(content: Content, item: Opportunity) -> list[str]:
    parts = []
    if item.contact:
        parts.append(content.text("suggest.describe.contact", contact=item.contact))
    if item.url:
        parts.append(content.text("suggest.describe.url", url=item.url))
    return parts


def _checked(content: Content, item: Opportunity) -> str:
    if item.kind == "at_home":
        return ""  # an idea, not a provider's facts: nothing to check
    if item.verified and item.last_verified:
        when = item.last_verified
        return content.text("suggest.describe.checked", date=f"{when.day} {when:%B %Y}")
    return content.text("suggest.describe.not_checked")


# --- I'd like to go --------------------------------------------------------------------
def how_to_go_parts(content: Content, opportunity: Opportunity, *,
                    miles: float | None = None, needs: Needs | None = None) -> list[str]:
    """"I'd like to go": how to get there, when, what to expect, who to contact, what to
    check first, as short paragraphs."""
    item = opportunity
    intro = "suggest.go.intro_home" if item.is_remote else "suggest.go.intro"
    parts = [content.text(intro, place_name=item.name)]
    parts += _getting_there(content, item, miles, needs)
    parts.append(_when(content, item))
    if item.kind == "at_home":
        parts.append(content.text("suggest.go.at_home"))
    else:
        parts.append(_booking(content, item))
    if item.level in ("gentle", "any", "moderate", "demanding"):
        parts.append(content.text(f"suggest.describe.level.{item.level}"))
    if item.details:
        parts.append(content.text("suggest.describe.details", details=item.details))
    contact = _contact(content, item)
    if not contact and item.kind != "at_home":
        contact = [content.text("suggest.go.no_contact")]
    parts += contact
    parts.append(_go_check(content, item, needs))
    parts.append(content.text("suggest.go.outro"))
    return [part for part in parts if part]


def how_to_go(content: Content, opportunity: Opportunity, *, miles: float | None = None,
              needs: Needs | None = None) -> str:
    return "\n".join(how_to_go_parts(content, opportunity, miles=miles, needs=needs))


def _go_check(content: Content, item: Opportunity, needs: Needs | None) -> str:
    unknowns = []
    if item.cost == "unknown":
        unknowns.append(content.text("suggest.check.cost"))
    if item.kind == "session" and not item.schedule:
        unknowns.append(content.text("suggest.check.times"))
    if needs is not None and not item.is_remote:
        implied = access_facts(item)
        unknowns += [content.text(f"suggest.check.access.{name}") for name in ACCESS_FIELDS
                     if name in needs.access and implied[name] is None]
    if unknowns:
        return content.text("suggest.check.unknown", unknowns=join(content, unknowns, "or"))
    if not item.verified and item.kind != "at_home":
        return content.text("suggest.check.unverified")
    return ""


# --- sending ---------------------------------------------------------------------------
def messages(parts: Iterable[str], limit: int = SMS_LIMIT) -> list[str]:
    """Paragraphs packed into as few texts as fit `limit` septets each, a paragraph a
    line, never splitting one (a paragraph longer than `limit` goes alone; the channel
    splits it at sentences)."""
    out: list[str] = []
    for part in parts:
        joined = f"{out[-1]}\n{part}" if out else ""
        if out and septets(joined) <= limit and fits(joined, measure("a" * limit).segments):
            out[-1] = joined
        else:
            out.append(part)
    return out
