"""Initial tables: people, identities, health details, outbox, inbound dedupe, impact counts.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 04:31:34.986256
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('impact_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_events'))
    )
    with op.batch_alter_table('impact_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('inbound_seen',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=False),
    sa.Column('received_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'external_id', name=op.f('pk_inbound_seen'))
    )
    with op.batch_alter_table('inbound_seen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_seen_received_at'), ['received_at'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('consent_health', sa.Boolean(), nullable=True),
    sa.Column('consent_encouragement', sa.Boolean(), nullable=True),
    sa.Column('consents_changed_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('district', sa.String(length=8), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('paused_until', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('quiet_start', sa.String(length=5), nullable=False),
    sa.Column('quiet_end', sa.String(length=5), nullable=False),
    sa.Column('referral_source', sa.String(length=40), nullable=True),
    sa.Column('onboarded_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('flow', sa.String(length=40), nullable=True),
    sa.Column('step', sa.String(length=40), nullable=True),
    sa.Column('flow_data', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('state_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sqlite_autoincrement=True
    )
    op.create_table('health_details',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('updated_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_health_details_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_health_details'))
    )
    op.create_table('identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_inbound_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opted_out_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unreachable_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_identities_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identities')),
    sa.UniqueConstraint('channel', 'address', name=op.f('uq_identities_channel_address'))
    )
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identities_person_id'), ['person_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('slot_kind', sa.String(length=24), nullable=True),
    sa.Column('slot_date', sa.Date(), nullable=True),
    sa.Column('due_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('segments', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=64), nullable=True),
    sa.Column('bypass_suppression', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_outbox_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key')),
    sa.UniqueConstraint('person_id', 'slot_kind', 'slot_date', name=op.f('uq_outbox_person_id_slot_kind_slot_date')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'channel', 'priority', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_provider_ref'), ['provider_ref'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_provider_ref'))
        batch_op.drop_index(batch_op.f('ix_outbox_person_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identities_person_id'))

    op.drop_table('identities')
    op.drop_table('health_details')
    op.drop_table('persons')
    with op.batch_alter_table('inbound_seen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_seen_received_at'))

    op.drop_table('inbound_seen')
    with op.batch_alter_table('impact_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_events_occurred_at'))

    op.drop_table('impact_events')
