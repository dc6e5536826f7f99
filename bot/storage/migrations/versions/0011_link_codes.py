"""One person on two channels: one-time codes that join a Telegram chat and a phone number.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 16:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('link_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                            name=op.f('fk_link_codes_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_codes'))
    )
    op.create_index(op.f('ix_link_codes_person_id'), 'link_codes', ['person_id'], unique=False)
    op.create_index(op.f('ix_link_codes_code_hash'), 'link_codes', ['code_hash'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_link_codes_code_hash'), table_name='link_codes')
    op.drop_index(op.f('ix_link_codes_person_id'), table_name='link_codes')
    op.drop_table('link_codes')
