"""Messages to one address keep their order: an index on the unsettled rows by address, so
the dispatcher can ask "is anything earlier to this address still to go?" for each row it
claims and marks sending (without it, that question read every queued row of the channel).
Partial: only queued, claimed and sending rows, not the sent history.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSETTLED = sa.text("status IN ('queued', 'claimed', 'sending')")


def upgrade() -> None:
    op.create_index('ix_outbox_line', 'outbox', ['channel', 'address'], unique=False,
                    sqlite_where=UNSETTLED, postgresql_where=UNSETTLED)


def downgrade() -> None:
    op.drop_index('ix_outbox_line', table_name='outbox')
