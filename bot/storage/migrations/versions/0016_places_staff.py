"""Places in the staff console: staff's word on each place (their edits, which win over the
YAML seed; who checked it and when; who retired it), each change in order, who added a
feed in the console, and each import run from there.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.storage.models.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('place_records',
    sa.Column('place_id', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('fields', JSON, nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=80), nullable=True),
    sa.Column('edited_at', UTC, nullable=True),
    sa.Column('edited_by', sa.Integer(), nullable=True),
    sa.Column('edited_by_name', sa.String(length=80), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=True),
    sa.Column('verified_at', UTC, nullable=True),
    sa.Column('verified_by', sa.Integer(), nullable=True),
    sa.Column('verified_by_name', sa.String(length=80), nullable=True),
    sa.Column('retired_at', UTC, nullable=True),
    sa.Column('retired_by', sa.Integer(), nullable=True),
    sa.Column('retired_by_name', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('place_id', name=op.f('pk_place_records'))
    )
    op.create_table('place_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('staff_name', sa.String(length=80), nullable=True),
    sa.Column('fields', JSON, nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_changes'))
    )
    with op.batch_alter_table('place_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_changes_place_id'), ['place_id'], unique=False)

    op.create_table('openactive_feed_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('started_at', UTC, nullable=False),
    sa.Column('finished_at', UTC, nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('staff_name', sa.String(length=80), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['feed_id'], ['openactive_feeds.id'], name=op.f('fk_openactive_feed_runs_feed_id_openactive_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_openactive_feed_runs'))
    )
    with op.batch_alter_table('openactive_feed_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_openactive_feed_runs_feed_id'), ['feed_id'], unique=False)

    op.create_table('openactive_feeds_added',
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('staff_name', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['feed_id'], ['openactive_feeds.id'], name=op.f('fk_openactive_feeds_added_feed_id_openactive_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feed_id', name=op.f('pk_openactive_feeds_added'))
    )


def downgrade() -> None:
    op.drop_table('openactive_feeds_added')
    with op.batch_alter_table('openactive_feed_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_openactive_feed_runs_feed_id'))
    op.drop_table('openactive_feed_runs')
    with op.batch_alter_table('place_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_changes_place_id'))
    op.drop_table('place_changes')
    op.drop_table('place_records')
