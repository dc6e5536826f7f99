"""Erasure that leaves nothing: the service's own HMAC key (idempotency keys hold no phone
number), and each relayed message linked to the copy the other person got, to scrub it.

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
    with op.batch_alter_table('relayed_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outbox_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_relayed_messages_outbox_id_outbox'),
                                    'outbox', ['outbox_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('relayed_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_relayed_messages_outbox_id_outbox'),
                                 type_='foreignkey')
        batch_op.drop_column('outbox_id')
    op.drop_table('app_keys')
