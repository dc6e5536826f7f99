"""Peer support: volunteers and invites, buddy requests, relayed connections, groups,
moderation cases and the audit log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 06:25:49.064708
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.storage.models

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('peer_groups',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('rules', sa.Text(), nullable=True),
    sa.Column('strike_limit', sa.Integer(), nullable=False),
    sa.Column('hold_new_member_links', sa.Boolean(), nullable=False),
    sa.Column('new_member_days', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_peer_groups'))
    )
    op.create_table('buddy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('share_experience', sa.String(length=200), nullable=True),
    sa.Column('offered_to', sa.Integer(), nullable=True),
    sa.Column('declined_by', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offered_to'], ['persons.id'], name=op.f('fk_buddy_requests_offered_to_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resident_id'], ['persons.id'], name=op.f('fk_buddy_requests_resident_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buddy_requests'))
    )
    with op.batch_alter_table('buddy_requests', schema=None) as batch_op:
        batch_op.create_index('ix_buddy_requests_open', ['status', 'created_at'], unique=False)

    op.create_table('peer_group_held',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['peer_groups.chat_id'], name=op.f('fk_peer_group_held_chat_id_peer_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_group_held'))
    )
    op.create_table('peer_group_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('link', sa.String(length=255), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['peer_groups.chat_id'], name=op.f('fk_peer_group_invites_chat_id_peer_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_peer_group_invites_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_group_invites'))
    )
    op.create_table('peer_group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('strikes', sa.Integer(), nullable=False),
    sa.Column('muted_until', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('joined_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['peer_groups.chat_id'], name=op.f('fk_peer_group_members_chat_id_peer_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_peer_group_members_person_id_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_group_members')),
    sa.UniqueConstraint('chat_id', 'telegram_id', name=op.f('uq_peer_group_members_chat_id_telegram_id'))
    )
    op.create_table('volunteer_invites',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['used_by'], ['persons.id'], name=op.f('fk_volunteer_invites_used_by_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_volunteer_invites'))
    )
    op.create_table('volunteers',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('alias', sa.String(length=40), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('availability', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('activities', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('shared_experience', sa.String(length=200), nullable=True),
    sa.Column('agreed_conduct_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('suspended_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_volunteers_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_volunteers'))
    )
    op.create_table('peer_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('supporter_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resident_shares_contact', sa.Boolean(), nullable=False),
    sa.Column('supporter_shares_contact', sa.Boolean(), nullable=False),
    sa.Column('paused_by', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['buddy_requests.id'], name=op.f('fk_peer_connections_request_id_buddy_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resident_id'], ['persons.id'], name=op.f('fk_peer_connections_resident_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supporter_id'], ['persons.id'], name=op.f('fk_peer_connections_supporter_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_connections'))
    )
    with op.batch_alter_table('peer_connections', schema=None) as batch_op:
        batch_op.create_index('ix_peer_connections_members', ['resident_id', 'supporter_id'], unique=False)

    op.create_table('moderation_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=True),
    sa.Column('group_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('subject_telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('history', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['persons.id'], name=op.f('fk_moderation_cases_closed_by_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['connection_id'], ['peer_connections.id'], name=op.f('fk_moderation_cases_connection_id_peer_connections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reported_by'], ['persons.id'], name=op.f('fk_moderation_cases_reported_by_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['persons.id'], name=op.f('fk_moderation_cases_subject_id_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_cases'))
    )
    with op.batch_alter_table('moderation_cases', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_cases_status', ['status', 'created_at'], unique=False)

    op.create_table('relayed_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['peer_connections.id'], name=op.f('fk_relayed_messages_connection_id_peer_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['persons.id'], name=op.f('fk_relayed_messages_sender_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relayed_messages'))
    )
    with op.batch_alter_table('relayed_messages', schema=None) as batch_op:
        batch_op.create_index('ix_relayed_messages_connection', ['connection_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('relayed_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_relayed_messages_connection')

    op.drop_table('relayed_messages')
    with op.batch_alter_table('moderation_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_cases_status')

    op.drop_table('moderation_cases')
    with op.batch_alter_table('peer_connections', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_connections_members')

    op.drop_table('peer_connections')
    op.drop_table('volunteers')
    op.drop_table('volunteer_invites')
    op.drop_table('peer_group_members')
    op.drop_table('peer_group_invites')
    op.drop_table('peer_group_held')
    with op.batch_alter_table('buddy_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_buddy_requests_open')

    op.drop_table('buddy_requests')
    op.drop_table('peer_groups')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
