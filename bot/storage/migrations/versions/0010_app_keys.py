"""Erasure that leaves nothing: the service's own HMAC key (idempotency keys hold no phone
number), and each relayed message linked to the copy the other person got, to scrub it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 14:50:00
"""

from __future__ import annotations

import hashlib
import secrets
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
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO app_keys (name, value) VALUES ('id_hash', :value)"),
                 {"value": secrets.token_hex(32)})
    # Keys written before this held addresses: a farewell after an erasure keeps no person,
    # so its key is only its own id now (nothing else ever looks it up).
    bind.execute(sa.text("UPDATE outbox SET idempotency_key = 'erased:' || id "
                         "WHERE person_id IS NULL AND kind = 'erasure'"))
    # Inbound ids are kept hashed now (repository.seen_key): hash the ones already kept, so
    # a redelivery across the upgrade is still recognised.
    rows = bind.execute(sa.text("SELECT channel, external_id FROM inbound_seen")).all()
    for channel, external_id in rows:
        digest = hashlib.sha256(external_id.encode("utf-8", "surrogatepass")).hexdigest()
        bind.execute(sa.text("UPDATE inbound_seen SET external_id = :new "
                             "WHERE channel = :channel AND external_id = :old"),
                     {"new": digest, "channel": channel, "old": external_id})
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
