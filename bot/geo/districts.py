"""Postcode districts: validating what people type, centroids, and distances in miles."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "postcode-districts.csv"
EARTH_RADIUS_MILES = 3958.8
# How far a shared location may be from the nearest known centroid and still count as in it.
NEAREST_LIMIT_MILES = 8.0
# PO-box and other non-geographic districts: nobody lives there, so a shared location must
# never be turned into one. LE21's centroid sits on LE1's, the mark of a PO-box district.
NON_GEOGRAPHIC = frozenset({"LE21", "LE41", "LE87", "LE94", "LE95"})

_OUTWARD = r"([A-Z]{1,2}[0-9][A-Z0-9]?)"
_DISTRICT_ONLY = re.compile(rf"^{_OUTWARD}$")
_FULL_POSTCODE = re.compile(rf"^{_OUTWARD}([0-9][A-Z]{{2}})$")


def parse_district(text: str) -> str | None:
    """'le4', 'LE4 5AB', ' le11. ' -> 'LE4' / 'LE11'; anything else -> None.

    Only the district is ever kept: a full postcode is more than we need.
    """
    squashed = re.sub(r"[\s.,;:!]+", "", text or "").upper()
    if not squashed or len(squashed) > 8:
        return None
    full = _FULL_POSTCODE.match(squashed)
    if full:
        return full.group(1)
    if _DISTRICT_ONLY.match(squashed):
        return squashed
    return None


@dataclass(frozen=True)
class Centroid:
    district: str
    latitude: float
    longitude: float


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


class DistrictTable:
    def __init__(self, centroids: dict[str, Centroid]) -> None:
        self._centroids = centroids

    @classmethod
    def load(cls, path: Path = TABLE) -> DistrictTable:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = {
                row["district"].strip().upper(): Centroid(
                    row["district"].strip().upper(), float(row["latitude"]), float(row["longitude"])
                )
                for row in csv.DictReader(handle)
            }
        return cls(rows)

    def __contains__(self, district: object) -> bool:
        return district in self._centroids

    def centroid(self, district: str | None) -> Centroid | None:
        return self._centroids.get((district or "").upper())

    def nearest(self, latitude: float, longitude: float) -> str | None:
        """The district whose centroid is closest, if one is close enough to be believable."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        best = min(
            (c for c in self._centroids.values() if c.district not in NON_GEOGRAPHIC),
            key=lambda c: miles_between(latitude, longitude, c.latitude, c.longitude),
            default=None,
        )
        if best is None:
            return None
        distance = miles_between(latitude, longitude, best.latitude, best.longitude)
        return best.district if distance <= NEAREST_LIMIT_MILES else None

    def miles(self, from_district: str | None, latitude: float, longitude: float) -> float | None:
        """Distance from a district's centre to a point; None when the district is unknown."""
        start = self.centroid(from_district)
        if start is None:
            return None
        return miles_between(start.latitude, start.longitude, latitude, longitude)


@cache
def default_table() -> DistrictTable:
    return DistrictTable.load()
