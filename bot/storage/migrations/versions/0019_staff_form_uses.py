"""Console forms sent once: each form's one-time token (as a keyed hash) and where its
first sending led, so the same form sent again does nothing twice; gone with its session.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('staff_form_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=2000), nullable=True),
    sa.Column('expires_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['staff_sessions.id'], name=op.f('fk_staff_form_uses_session_id_staff_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_form_uses')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_form_uses_token_hash'))
    )
    with op.batch_alter_table('staff_form_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_form_uses_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_form_uses_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_form_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_form_uses_session_id'))
        batch_op.drop_index(batch_op.f('ix_staff_form_uses_expires_at'))
    op.drop_table('staff_form_uses')
