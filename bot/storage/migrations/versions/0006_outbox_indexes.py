"""Fewer outbox indexes: each one slowed every planned row; lookups by person use the
slot constraint's index, which starts with person_id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 05:51:13.085617
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_person_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_planned'))
        batch_op.drop_index(batch_op.f('ix_outbox_provider_ref'))



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_provider_ref'), ['provider_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_planned'), ['person_id', 'status', 'slot_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_person_id'), ['person_id'], unique=False)

