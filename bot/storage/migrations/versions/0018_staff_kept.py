"""What a console form's POST leaves for the page its redirect leads to (Post/Redirect/Get),
kept in the database so that the GET finds it whichever worker serves it: the handle only
as a hash, the value sealed with a key made from the handle, gone with its session.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('staff_kept',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('handle_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=200), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['staff_sessions.id'], name=op.f('fk_staff_kept_session_id_staff_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_kept')),
    sa.UniqueConstraint('handle_hash', name=op.f('uq_staff_kept_handle_hash'))
    )
    with op.batch_alter_table('staff_kept', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_kept_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_kept_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_kept', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_kept_session_id'))
        batch_op.drop_index(batch_op.f('ix_staff_kept_expires_at'))
    op.drop_table('staff_kept')
