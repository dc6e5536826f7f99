"""A crisis split over messages ("i want to kill" then "myself"): the end of someone's last
message, kept a few minutes so the next one is screened with it, then forgotten.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recent_words', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('recent_words_at', bot.storage.models.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_column('recent_words_at')
        batch_op.drop_column('recent_words')
