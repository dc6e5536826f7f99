"""Referral codes from deep links (/start <code>): known codes, everything else 'unknown'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.core.content import CONTENT_ROOT, load_yaml

UNKNOWN = "unknown"
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Referral:
    code: str
    kind: str


class ReferralCodes:
    def __init__(self, codes: dict[str, str]) -> None:
        self._codes = {code.lower(): kind for code, kind in codes.items()}

    @classmethod
    def load(cls, root: Path = CONTENT_ROOT) -> ReferralCodes:
        data = load_yaml(root / "referrals.yaml") or {}
        return cls({str(code): str(spec.get("kind", UNKNOWN))
                    for code, spec in (data.get("codes") or {}).items()})

    def resolve(self, raw: str | None) -> Referral | None:
        """None when there is no code at all; 'unknown' when there is one we don't know."""
        if raw is None or not raw.strip():
            return None
        code = raw.strip().lower()
        if not _CODE.match(code) or code not in self._codes:
            return Referral(UNKNOWN, UNKNOWN)
        return Referral(code, self._codes[code])


@cache
def default_codes() -> ReferralCodes:
    return ReferralCodes.load()
