"""The service's own keys: an HMAC key so idempotency keys hold no phone number.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 14:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_keys',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_app_keys'))
    )


def downgrade() -> None:
    op.drop_table('app_keys')
