"""What people told us about a place they tried: an answer per opportunity, with no
person attached (the impact report counts them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from bot.places.models import PlaceFeedback


def record_feedback(connection: Connection, opportunity_id: str, answer: str,
                    now: datetime) -> None:
    connection.execute(insert(PlaceFeedback.__table__).values(
        opportunity_id=opportunity_id, answer=answer, created_at=now))
