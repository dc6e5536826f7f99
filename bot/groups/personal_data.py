"""Telegram groups' part in "my data" and erasure: the groups they are in through us;
forgetting takes what groups hold under their Telegram account (reports about them stay
for safeguarding, without their id or words)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from bot.core.content import ContentLibrary
from bot.groups import store
from bot.peers.models import GroupMember
from bot.storage import repository as repo


class GroupsData:
    def describe(self, connection: Connection, person_id: int) -> dict[str, Any]:
        groups = connection.scalar(select(func.count()).select_from(GroupMember).where(
            GroupMember.person_id == person_id, GroupMember.removed_at.is_(None)))
        return {"groups": int(groups or 0)}

    def forget(self, connection: Connection, content: ContentLibrary, person_id: int,
               now: datetime) -> None:
        store.forget_person(connection, repo.telegram_accounts(connection, person_id))


PART = GroupsData()
