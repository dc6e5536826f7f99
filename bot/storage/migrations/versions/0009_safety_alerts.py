"""Safety alerts and the duty team: urgent and crisis messages someone on our side hears of.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 09:43:17.877007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('safety_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notified', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('escalated_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('notes', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['persons.id'], name=op.f('fk_safety_alerts_acknowledged_by_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by'], ['persons.id'], name=op.f('fk_safety_alerts_closed_by_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_safety_alerts_person_id_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_alerts'))
    )
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_alerts_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_safety_alerts_status', ['status', 'created_at'], unique=False)

    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_duty', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_column('on_duty')

    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_safety_alerts_status')
        batch_op.drop_index(batch_op.f('ix_safety_alerts_person_id'))

    op.drop_table('safety_alerts')
