"""The staff console: staff accounts (password hash, optional TOTP, lockout), one-time
set-up links, sessions and sign-in attempts (tokens, emails and addresses kept only as
hashes); the audit log and safety alerts learn a staff actor; the console's own key.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:30:00
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('staff_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.BigInteger(), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('disabled_at', UTC, nullable=True),
    sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', UTC, nullable=True),
    sa.Column('last_sign_in_at', UTC, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_accounts_email')),
    sqlite_autoincrement=True
    )
    op.create_table('staff_setup_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reset_two_step', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('expires_at', UTC, nullable=False),
    sa.Column('used_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_setup_links_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_setup_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_setup_links_token_hash'))
    )
    with op.batch_alter_table('staff_setup_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_setup_links_staff_id'), ['staff_id'], unique=False)
    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('pending_totp_secret', sa.String(length=64), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('last_seen_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_sessions_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_sessions_token_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_staff_id'), ['staff_id'], unique=False)
    op.create_table('staff_sign_in_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('email_key', sa.String(length=40), nullable=False),
    sa.Column('ip_key', sa.String(length=40), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sign_in_attempts'))
    )
    with op.batch_alter_table('staff_sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sign_in_attempts_at'), ['at'], unique=False)
        batch_op.create_index('ix_staff_sign_in_attempts_email', ['email_key', 'at'], unique=False)
        batch_op.create_index('ix_staff_sign_in_attempts_ip', ['ip_key', 'at'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_staff_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_actor_staff_id'), ['actor_staff_id'], unique=False)
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_by_staff', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_staff_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('closed_by_staff', sa.Integer(), nullable=True))
    # The console's own key: it signs the anti-forgery token of forms shown before sign-in
    # and keys the hashes of sign-in attempts' emails and addresses.
    op.get_bind().execute(sa.text("INSERT INTO app_keys (name, value) VALUES ('console', :value)"),
                          {"value": secrets.token_hex(32)})


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM app_keys WHERE name = 'console'"))
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.drop_column('closed_by_staff')
        batch_op.drop_column('acknowledged_by_staff_name')
        batch_op.drop_column('acknowledged_by_staff')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_actor_staff_id'))
        batch_op.drop_column('actor_staff_id')
    with op.batch_alter_table('staff_sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_sign_in_attempts_ip')
        batch_op.drop_index('ix_staff_sign_in_attempts_email')
        batch_op.drop_index(batch_op.f('ix_staff_sign_in_attempts_at'))
    op.drop_table('staff_sign_in_attempts')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_staff_id'))
    op.drop_table('staff_sessions')
    with op.batch_alter_table('staff_setup_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_setup_links_staff_id'))
    op.drop_table('staff_setup_links')
    op.drop_table('staff_accounts')
