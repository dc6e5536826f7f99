"""Safety alerts' part in "my data" and erasure: alerts that still name them; forgetting
leaves each alert as an anonymous count, without them or their words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from bot.core.content import ContentLibrary
from bot.safety import alerts


class SafetyAlertsData:
    def describe(self, connection: Connection, person_id: int) -> dict[str, Any]:
        return {"safety_alerts": alerts.count_for(connection, person_id)}

    def forget(self, connection: Connection, content: ContentLibrary, person_id: int,
               now: datetime) -> None:
        alerts.forget_person(connection, person_id)


PART = SafetyAlertsData()
