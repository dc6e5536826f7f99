"""Broadcasts: a message from the Move Mates team to an audience (districts, interests,
channel), as a coordinator confirmed it in the console, and one row per person it was
queued for (unique per broadcast and person: nobody gets two copies). A person's copies
go with them when they erase their data.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.storage.models.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('audience', JSON, nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('scheduled_at', UTC, nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=80), nullable=True),
    sa.Column('estimated_recipients', sa.Integer(), nullable=False),
    sa.Column('estimated_segments', sa.Integer(), nullable=False),
    sa.Column('estimated_cost', sa.Float(), nullable=False),
    sa.Column('price_per_segment', sa.Float(), nullable=False),
    sa.Column('sent_at', UTC, nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', UTC, nullable=True),
    sa.Column('cancelled_by', sa.Integer(), nullable=True),
    sa.Column('cancelled_by_name', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['cancelled_by'], ['staff_accounts.id'], name=op.f('fk_broadcasts_cancelled_by_staff_accounts')),
    sa.ForeignKeyConstraint(['created_by'], ['staff_accounts.id'], name=op.f('fk_broadcasts_created_by_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index('ix_broadcasts_due', ['status', 'scheduled_at'], unique=False)

    op.create_table('broadcast_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('attempt', sa.SmallInteger(), nullable=False),
    sa.Column('queued_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_copies_broadcast_id_broadcasts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_broadcast_copies_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_copies')),
    sa.UniqueConstraint('broadcast_id', 'person_id', name=op.f('uq_broadcast_copies_broadcast_id_person_id'))
    )
    with op.batch_alter_table('broadcast_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_copies_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('broadcast_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_copies_person_id'))
    op.drop_table('broadcast_copies')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index('ix_broadcasts_due')
    op.drop_table('broadcasts')
