"""The audit trail: every moderator, coordinator and duty-team action, who did it and when
(the `audit_log` table). Never the words of a message: `detail` is a count or a reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from bot.storage.models import AuditEntry


def audit(connection: Connection, now: datetime, actor: int | None, action: str, *,
          target: str | None = None, case_id: int | None = None,
          detail: str | None = None, staff_id: int | None = None,
          telegram_id: int | None = None) -> None:
    """`actor`: one of our people (by text or Telegram, also `telegram_id` in a group);
    `staff_id`: a member of staff in the web console instead."""
    connection.execute(insert(AuditEntry.__table__).values(
        at=now, actor_id=actor, actor_staff_id=staff_id, actor_telegram_id=telegram_id,
        action=action, target=target, case_id=case_id,
        detail=detail[:500] if detail else None))
