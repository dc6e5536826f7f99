"""places: OpenActive feeds (position, licence) and their imported items

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('openactive_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('base_url', sa.String(length=2048), nullable=False),
    sa.Column('next_url', sa.String(length=2048), nullable=True),
    sa.Column('licence', sa.String(length=500), nullable=True),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_run_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_openactive_feeds')),
    sa.UniqueConstraint('base_url', name=op.f('uq_openactive_feeds_base_url')),
    sa.UniqueConstraint('name', name=op.f('uq_openactive_feeds_name'))
    )
    op.create_table('openactive_items',
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=True),
    sa.Column('data_type', sa.String(length=40), nullable=False),
    sa.Column('data_id', sa.String(length=2048), nullable=True),
    sa.Column('parent_ref', sa.String(length=2048), nullable=True),
    sa.Column('modified', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('licence', sa.String(length=500), nullable=True),
    sa.Column('imported_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['openactive_feeds.id'], name=op.f('fk_openactive_items_feed_id_openactive_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feed_id', 'item_id', name=op.f('pk_openactive_items'))
    )
    with op.batch_alter_table('openactive_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_openactive_items_data_id'), ['data_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_openactive_items_parent_ref'), ['parent_ref'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('openactive_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_openactive_items_parent_ref'))
        batch_op.drop_index(batch_op.f('ix_openactive_items_data_id'))

    op.drop_table('openactive_items')
    op.drop_table('openactive_feeds')
