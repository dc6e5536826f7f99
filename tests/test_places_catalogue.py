"""The YAML catalogue: the real files pass and hold what we can stand behind; every kind
of broken entry is reported with its file, entry, field and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.content import CONTENT_ROOT
from bot.core.needs import ACTIVITIES, COMPANY
from bot.places.catalogue import Catalogue, CatalogueError, validate_catalogue
from bot.places.schema import BOOKING, COSTS, KINDS, LEVELS, SETTINGS, Opportunity, Slot


@pytest.fixture(scope="module")
def real() -> Catalogue:
    return Catalogue.from_yaml()


def test_the_real_catalogue_passes_validation() -> None:
    assert validate_catalogue(CONTENT_ROOT) == []


def test_the_real_catalogue_uses_only_known_values(real: Catalogue) -> None:
    assert len(real) >= 20
    for item in real:
        assert item.kind in KINDS and item.cost in COSTS and item.level in LEVELS
        assert item.booking in BOOKING and set(item.activities) <= set(ACTIVITIES)
        assert item.setting is None or item.setting in SETTINGS
        assert set(item.company) <= set(COMPANY)
        assert item.source and item.origin == "catalogue"
        assert not item.verified  # nothing has been checked with a provider yet


def test_parkruns_are_free_on_saturday_mornings_and_junior_parkrun_is_left_out(
        real: Catalogue) -> None:
    parkruns = [item for item in real if item.id.startswith("parkrun-")]
    assert len(parkruns) == 9
    for event in parkruns:
        assert event.schedule == (Slot("sat", "09:00"),)
        assert event.times_of_day == ("morning",) and event.days == ("sat",)
        assert event.cost == "free" and "walking" in event.activities
        assert event.district is not None
    assert not any("junior" in item.name.lower() for item in real)


def test_nothing_is_invented(real: Catalogue) -> None:
    for item in real:
        if item.kind != "session":
            assert item.schedule == ()  # no times for parks, programmes, videos
        assert item.price_text is None and item.address is None and item.postcode is None
        assert item.accessibility.known() == {}  # facilities not yet checked
        assert item.contact is None


def test_get_and_lookup(real: Catalogue) -> None:
    bradgate = real.get("bradgate-park")
    assert bradgate is not None and bradgate.kind == "place" and bradgate.district == "LE6"
    assert "steady-steps" in real and real.get("nope") is None
    assert [item.id for item in real.all()] == [item.id for item in real]


def test_distance_uses_coordinates_then_district(real: Catalogue) -> None:
    abbey = real.get("abbey-park")
    watermead = real.get("watermead-country-park")
    undefeatable = real.get("we-are-undefeatable")
    assert abbey and watermead and undefeatable
    miles = abbey.miles_from("LE4")
    assert miles is not None and miles < 3
    assert watermead.latitude is None and watermead.miles_from("LE4") == 0
    assert undefeatable.miles_from("LE4") is None  # online: distance means nothing
    assert abbey.miles_from(None) is None


def test_times_of_day_from_start_times() -> None:
    item = Opportunity(id="x", kind="session", name="X", summary="X.", source="test",
                       schedule=(Slot("mon", "11:59"), Slot("tue", "12:00"),
                                 Slot("wed", "16:59"), Slot("thu", "17:00")))
    assert item.times_of_day == ("morning", "afternoon", "evening")
    assert item.to_dict()["schedule"][0] == {"day": "mon", "start": "11:59"}


# --- broken entries ----------------------------------------------------------------------

GOOD = {
    "id": "test-park", "kind": "place", "name": "Test Park",
    "summary": "A park to walk in.", "source": "a test", "district": "LE4",
}


def _yaml(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)


def write_entry(root: Path, filename: str = "test.yaml", raw: str | None = None,
                **fields: object) -> Path:
    folder = root / "places"
    folder.mkdir(parents=True, exist_ok=True)
    entry = {**GOOD, **fields}
    lines = ["entries:", "  - " + "\n    ".join(
        f"{k}: {_yaml(v) if not (isinstance(v, str) and v.startswith('RAW:')) else v[4:]}"
        for k, v in entry.items() if v is not None)]
    (folder / filename).write_text(raw if raw is not None else "\n".join(lines) + "\n",
                                   encoding="utf-8")
    return folder / filename


@pytest.fixture
def root(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT_ROOT / "lint.yaml", content / "lint.yaml")
    return content


def test_a_good_entry_passes(root: Path) -> None:
    write_entry(root)
    assert validate_catalogue(root) == []
    [item] = Catalogue.from_yaml(root).all()
    assert item.cost == "unknown" and item.level == "unknown" and item.booking == "unknown"
    assert item.accessibility.wheelchair is None and not item.verified


@pytest.mark.parametrize(("fields", "expected"), [
    ({"kind": "club"}, "test-park: kind: 'club' is not one of session, place"),
    ({"summary": None}, "test-park: summary: is required"),
    ({"source": None}, "test-park: source: is required"),
    ({"activities": ["walking", "parkour"]}, "activities: 'parkour' not in"),
    ({"activities": "walking"}, "activities: must be a list"),
    ({"setting": "beach"}, "setting: 'beach' is not one of"),
    ({"company": ["strangers"]}, "company: 'strangers' not in"),
    ({"district": "Leicester"}, "district: 'Leicester' is not a postcode district"),
    ({"district": "ZZ9"}, "district: ZZ9 is not in bot/geo/postcode-districts.csv"),
    ({"latitude": 52.64}, "latitude: give both latitude and longitude"),
    ({"latitude": 51.5, "longitude": -0.12}, "miles from LE4's centre"),
    ({"latitude": "north", "longitude": -1.1}, "latitude: must be a number"),
    ({"postcode": "LE1 5WW"}, "postcode: LE1 5WW is not in district LE4"),
    ({"postcode": "nowhere"}, "postcode: 'nowhere' is not a full UK postcode"),
    ({"schedule": "RAW:[{day: sat, start: 10:30}]"}, 'write times in quotes, like "10:30"'),
    ({"schedule": [{"day": "saturday", "start": "09:00"}]}, "day 'saturday' is not one of"),
    ({"schedule": [{"day": "sat", "start": "9am"}]}, "'9am' is not a 24-hour time"),
    ({"schedule": [{"day": "sat", "start": "10:00", "end": "09:00"}]}, "ends (09:00) before"),
    ({"cost": "cheap"}, "cost: 'cheap' is not one of free, low, paid, unknown"),
    ({"level": "hard"}, "level: 'hard' is not one of"),
    ({"booking": "phone"}, "booking: 'phone' is not one of"),
    ({"accessibility": {"ramps": True}}, "accessibility: unknown field 'ramps'"),
    ({"accessibility": {"wheelchair": "yes"}}, "accessibility.wheelchair: must be true, false"),
    ({"verified": True}, "last_verified: say when it was checked"),
    ({"verified": "yes"}, "verified: must be true or false"),
    ({"last_verified": "March"}, "last_verified: 'March' is not a date"),
    ({"last_verified": "2999-01-01"}, "last_verified: 2999-01-01 is in the future"),
    ({"url": "www.example.org"}, "url: 'www.example.org' is not a web address"),
    ({"age_min": 70, "age_max": 18}, "age_max: 18 is below age_min 70"),
    ({"colour": "green"}, "test-park: colour: unknown field"),
    ({"origin": "catalogue"}, "origin: unknown field (set by the importer)"),
    ({"id": "Test Park"}, "Test Park: id: use lower-case letters"),
    ({"id": "oa-123"}, "id: ids starting 'oa-' are kept for imported data"),
    ({"kind": "online", "setting": "online"}, "kind: online options happen wherever"),
    ({"kind": "online", "district": None}, "setting: online options have setting: online"),
    ({"summary": "It\u2019s a lovely park."}, "summary: characters outside GSM-7"),
    ({"summary": "A park with free exercise classes."}, 'summary: uses "exercise"'),
    ({"summary": "You should walk here."}, 'summary: uses "should"'),
    ({"name": "Park \U0001f333"}, "name: characters outside GSM-7"),
    ({"summary": "A park to walk in. " * 10}, "summary: 189 characters; keep it under 160"),
    ({"summary": "Notwithstanding considerable physiological heterogeneity, individualised "
                 "multidisciplinary opportunities demonstrate substantial effectiveness."},
     "summary: reading grade"),
])
def test_each_kind_of_broken_entry_is_reported(root: Path, fields: dict[str, object],
                                               expected: str) -> None:
    write_entry(root, **fields)
    problems = validate_catalogue(root)
    assert any(p.startswith("content/places/test.yaml: ") and expected in p
               for p in problems), problems


def test_proper_names_with_banned_words_are_allowed(root: Path) -> None:
    write_entry(root, summary="Ask your GP about Exercise Referral.")
    assert validate_catalogue(root) == []


def test_duplicate_ids_across_files_are_an_error(root: Path) -> None:
    write_entry(root, "a.yaml")
    write_entry(root, "b.yaml")
    assert validate_catalogue(root) == [
        "content/places/b.yaml: test-park: id: duplicate id; also used in "
        "content/places/a.yaml"]


@pytest.mark.parametrize(("text", "expected"), [
    ("entries: [\n", "not valid YAML"),
    ("- id: x\n", "the file needs an 'entries:' list"),
    ("entries:\n  - just text\n", "entry 1: must be a mapping of fields"),
    ("defaults: {}\nentries: []\nextra: 1\n", "extra: unknown top-level key"),
])
def test_broken_files_are_reported(root: Path, text: str, expected: str) -> None:
    write_entry(root, raw=text)
    problems = validate_catalogue(root)
    assert any(expected in p for p in problems), problems


def test_a_missing_folder_is_reported(root: Path) -> None:
    assert validate_catalogue(root) == ["content/places: the catalogue folder is missing"]


def test_defaults_apply_and_entries_override_them(root: Path) -> None:
    write_entry(root, raw="""
defaults:
  kind: session
  cost: free
  source: a test
  accessibility: {wheelchair: true, toilets: false}
entries:
  - id: one
    name: One
    summary: The first one.
    district: LE4
    schedule:
      - {day: tue, start: "13:00", end: "14:00"}
      - {day: mon, start: "10:00"}
  - id: two
    name: Two
    summary: The second one.
    cost: low
    accessibility: {toilets: true}
""")
    assert validate_catalogue(root) == []
    one, two = Catalogue.from_yaml(root).all()
    assert one.cost == "free" and two.cost == "low"
    assert one.schedule == (Slot("mon", "10:00"), Slot("tue", "13:00", "14:00"))
    assert one.times_of_day == ("morning", "afternoon")
    assert two.accessibility.wheelchair is True and two.accessibility.toilets is True
    assert one.accessibility.toilets is False and one.accessibility.hearing_loop is None


def test_loading_refuses_malformed_entries_but_not_style(root: Path) -> None:
    write_entry(root, summary="A park with free exercise classes.")
    assert len(Catalogue.from_yaml(root)) == 1  # style is the lint's job
    write_entry(root, cost="cheap")
    with pytest.raises(CatalogueError) as raised:
        Catalogue.from_yaml(root)
    assert "cost: 'cheap'" in str(raised.value)
    assert len(Catalogue.from_yaml(root, strict=False)) == 0  # a service skips it instead
