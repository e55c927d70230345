"""ooh: the out-of-hours log and search hits, verbal-consent checks, access grants, callbacks, call notes

Revision ID: 0009_ooh
Revises: 0008_consent
Create Date: 2026-11-22 03:30:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0009_ooh'
down_revision = '0008_consent'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index('ix_participant_date_of_birth', ['date_of_birth'], unique=False)

    op.create_table('ooh_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_ooh_event_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ooh_event_participant_id_participant')),
    sa.ForeignKeyConstraint(['worker_id'], ['user_account.id'], name=op.f('fk_ooh_event_worker_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ooh_event'))
    )
    with op.batch_alter_table('ooh_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ooh_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_event_worker_id'), ['worker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_event_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_ooh_event_org_at', ['org_id', 'at'], unique=False)

    op.create_table('ooh_search_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ooh_event.id'], name=op.f('fk_ooh_search_hit_event_id_ooh_event')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_ooh_search_hit_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ooh_search_hit_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ooh_search_hit'))
    )
    with op.batch_alter_table('ooh_search_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ooh_search_hit_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_search_hit_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_search_hit_participant_id'), ['participant_id'], unique=False)

    op.create_table('ooh_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('started_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('caller', sa.String(length=20), nullable=False),
    sa.Column('name_matched', sa.Boolean(), nullable=True),
    sa.Column('date_of_birth_matched', sa.Boolean(), nullable=True),
    sa.Column('postcode_matched', sa.Boolean(), nullable=True),
    sa.Column('identity_confirmed', sa.Boolean(), nullable=False),
    sa.Column('consent', sa.String(length=10), nullable=True),
    sa.Column('consent_note', sa.String(length=300), nullable=False),
    sa.Column('answered_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("caller IN ('participant', 'third_party')", name=op.f('ck_ooh_check_caller')),
    sa.CheckConstraint("consent IS NULL OR consent IN ('agreed', 'refused')", name=op.f('ck_ooh_check_consent')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_ooh_check_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ooh_check_participant_id_participant')),
    sa.ForeignKeyConstraint(['worker_id'], ['user_account.id'], name=op.f('fk_ooh_check_worker_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ooh_check'))
    )
    with op.batch_alter_table('ooh_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ooh_check_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_check_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_ooh_check_worker_participant', ['worker_id', 'participant_id'], unique=False)

    op.create_table('ooh_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['ooh_check.id'], name=op.f('fk_ooh_grant_check_id_ooh_check')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_ooh_grant_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ooh_grant_participant_id_participant')),
    sa.ForeignKeyConstraint(['worker_id'], ['user_account.id'], name=op.f('fk_ooh_grant_worker_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ooh_grant')),
    sa.UniqueConstraint('check_id', name=op.f('uq_ooh_grant_check_id'))
    )
    with op.batch_alter_table('ooh_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ooh_grant_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_grant_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_ooh_grant_worker_participant', ['worker_id', 'participant_id'], unique=False)

    op.create_table('ooh_callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=True),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('vrc_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('best_time', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['ooh_check.id'], name=op.f('fk_ooh_callback_check_id_ooh_check')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_ooh_callback_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_ooh_callback_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ooh_callback_participant_id_participant')),
    sa.ForeignKeyConstraint(['vrc_id'], ['user_account.id'], name=op.f('fk_ooh_callback_vrc_id_user_account')),
    sa.ForeignKeyConstraint(['worker_id'], ['user_account.id'], name=op.f('fk_ooh_callback_worker_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ooh_callback'))
    )
    with op.batch_alter_table('ooh_callback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ooh_callback_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_callback_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_ooh_callback_vrc_open', ['vrc_id', 'closed_at'], unique=False)

    op.create_table('ooh_call_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['ooh_grant.id'], name=op.f('fk_ooh_call_note_grant_id_ooh_grant')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_ooh_call_note_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ooh_call_note_participant_id_participant')),
    sa.ForeignKeyConstraint(['worker_id'], ['user_account.id'], name=op.f('fk_ooh_call_note_worker_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ooh_call_note'))
    )
    with op.batch_alter_table('ooh_call_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ooh_call_note_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ooh_call_note_participant_id'), ['participant_id'], unique=False)


def downgrade():
    for table in ('ooh_call_note', 'ooh_callback', 'ooh_grant', 'ooh_check', 'ooh_search_hit', 'ooh_event'):
        op.drop_table(table)
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_date_of_birth')
