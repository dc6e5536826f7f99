"""Postcode districts: what people type, shared locations, distances; unknown is not an error."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.geo.districts import TABLE, DistrictTable, miles_between, parse_district

SHARED_TABLE = Path(__file__).resolve().parents[2] / "shared" / "geo" / "postcode-districts.csv"


@pytest.mark.parametrize(("typed", "expected"), [
    ("LE4", "LE4"), ("le4", "LE4"), (" le11. ", "LE11"), ("LE4 5AB", "LE4"), ("le45ab", "LE4"),
    ("LE1 1AA", "LE1"), ("SW1A 1AA", "SW1A"), ("NG10", "NG10"), ("B1", "B1"),
    ("London", None), ("", None), ("12345", None), ("LE", None), ("LE4 5AB extra", None),
    ("🙂", None), ("'; DROP TABLE", None),
])
def test_parse_district(typed: str, expected: str | None) -> None:
    assert parse_district(typed) == expected


def test_nearest_district_to_a_shared_location() -> None:
    table = DistrictTable.load()
    assert table.nearest(52.6649, -1.1250) == "LE4"
    assert table.nearest(52.760, -1.232) == "LE11"  # Loughborough, west of the centre
    assert table.nearest(48.85, 2.35) is None  # Paris is not near any district we know
    assert table.nearest(999, 0) is None
    # Near Abbey Park the closest centroid is LE41's, a PO-box district where nobody lives.
    assert table.nearest(52.6541, -1.1215) not in {"LE41", "LE21"}


def test_unknown_district_means_unknown_distance() -> None:
    table = DistrictTable.load()
    assert table.miles("PE9", 52.63, -1.13) is None
    assert table.miles(None, 52.63, -1.13) is None
    le1_to_le11 = table.miles("LE1", 52.7721, -1.2062)
    assert le1_to_le11 is not None and 8 < le1_to_le11 < 12


def test_miles_between_is_symmetric_and_zero_at_home() -> None:
    assert miles_between(52.6, -1.1, 52.6, -1.1) == 0
    assert miles_between(52.6, -1.1, 52.7, -1.2) == pytest.approx(miles_between(52.7, -1.2, 52.6,
                                                                                 -1.1))


def test_project_copy_matches_the_shared_origin() -> None:
    if not SHARED_TABLE.exists():
        pytest.skip("shared/ is not beside the project")
    read = lambda p: list(csv.DictReader(p.open()))  # noqa: E731
    assert read(TABLE) == read(SHARED_TABLE)
