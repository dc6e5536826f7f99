"""Anonymous feedback on places people went to, for coordinators.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 06:28:08.117530
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('place_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.String(length=255), nullable=False),
    sa.Column('answer', sa.String(length=24), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_feedback'))
    )
    with op.batch_alter_table('place_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_feedback_opportunity_id'), ['opportunity_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('place_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_feedback_opportunity_id'))

    op.drop_table('place_feedback')
