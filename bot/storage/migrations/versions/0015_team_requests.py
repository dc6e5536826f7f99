""""Talk to a person": a resident's request to talk to someone from the team, held by a
member of staff in the console, and its thread (the resident's messages, staff replies as
queued in the outbox, staff notes). Both go with the resident when they erase their data.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('team_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('out_of_hours', sa.Boolean(), nullable=False),
    sa.Column('reply_after', UTC, nullable=True),
    sa.Column('last_message_at', UTC, nullable=False),
    sa.Column('claimed_at', UTC, nullable=True),
    sa.Column('claimed_by', sa.Integer(), nullable=True),
    sa.Column('claimed_by_name', sa.String(length=80), nullable=True),
    sa.Column('closed_at', UTC, nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_by_name', sa.String(length=80), nullable=True),
    sa.Column('ended_by', sa.String(length=16), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by'], ['staff_accounts.id'], name=op.f('fk_team_requests_claimed_by_staff_accounts')),
    sa.ForeignKeyConstraint(['closed_by'], ['staff_accounts.id'], name=op.f('fk_team_requests_closed_by_staff_accounts')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_team_requests_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_requests'))
    )
    with op.batch_alter_table('team_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_team_requests_status', ['status', 'created_at'], unique=False)

    op.create_table('team_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('staff_name', sa.String(length=80), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('segments', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['team_requests.id'], name=op.f('fk_team_messages_request_id_team_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_team_messages_staff_id_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_messages'))
    )
    with op.batch_alter_table('team_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_messages_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('team_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_messages_request_id'))
    op.drop_table('team_messages')
    with op.batch_alter_table('team_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_team_requests_status')
        batch_op.drop_index(batch_op.f('ix_team_requests_person_id'))
    op.drop_table('team_requests')
