"""reporting: contract report drafts and published versions; API clients, tokens, referrals, rate windows

Revision ID: 0010_reporting
Revises: 0009_ooh
Create Date: 2026-11-23 09:00:00

On PostgreSQL a trigger refuses UPDATE and DELETE of published contract reports,
whoever asks: a correction is a new version. TRUNCATE (the owner's test clean-up) is
not a row operation and stays possible.
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0010_reporting'
down_revision = '0009_ooh'
branch_labels = None
depends_on = None


IMMUTABLE_FUNCTION = """
CREATE OR REPLACE FUNCTION contract_report_refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published contract reports are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade():
    op.create_table('contract_report_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('participant_ids', sa.JSON(), nullable=False),
    sa.Column('withheld', sa.Integer(), nullable=False),
    sa.Column('built_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('built_by_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['built_by_id'], ['user_account.id'], name=op.f('fk_contract_report_draft_built_by_id_user_account')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_contract_report_draft_job_id_job')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_report_draft')),
    sa.UniqueConstraint('month', name=op.f('uq_contract_report_draft_month'))
    )
    op.create_table('contract_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.String(length=500), nullable=False),
    sa.Column('participant_ids', sa.JSON(), nullable=False),
    sa.Column('withheld', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_contract_report_published_by_id_user_account')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['contract_report.id'], name=op.f('fk_contract_report_supersedes_id_contract_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_report')),
    sa.UniqueConstraint('month', 'version', name='uq_contract_report_month_version'),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_contract_report_supersedes_id'))
    )
    with op.batch_alter_table('contract_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_report_month'), ['month'], unique=False)

    op.create_table('api_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=48), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('secret_set_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_api_client_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_api_client_org_id_organisation')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_api_client_revoked_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_client')),
    sa.UniqueConstraint('client_id', name=op.f('uq_api_client_client_id'))
    )
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_client_org_id'), ['org_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('client_pk', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('issued_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_pk'], ['api_client.id'], name=op.f('fk_api_token_client_pk_api_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_token_token_sha256'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_client_pk'), ['client_pk'], unique=False)

    op.create_table('api_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_pk', sa.Integer(), nullable=False),
    sa.Column('atw_reference', sa.String(length=30), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_pk'], ['api_client.id'], name=op.f('fk_api_referral_client_pk_api_client')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_api_referral_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_api_referral_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_referral')),
    sa.UniqueConstraint('client_pk', 'atw_reference', name='uq_api_referral_client_reference')
    )
    with op.batch_alter_table('api_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_referral_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_referral_participant_id'), ['participant_id'], unique=False)

    op.create_table('api_rate_window',
    sa.Column('client_pk', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_pk'], ['api_client.id'], name=op.f('fk_api_rate_window_client_pk_api_client')),
    sa.PrimaryKeyConstraint('client_pk', 'window_start', name=op.f('pk_api_rate_window'))
    )

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(IMMUTABLE_FUNCTION)
        op.execute('CREATE TRIGGER contract_report_immutable BEFORE UPDATE OR DELETE ON contract_report '
                   'FOR EACH ROW EXECUTE FUNCTION contract_report_refuse_rewrite()')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS contract_report_immutable ON contract_report')
        op.execute('DROP FUNCTION IF EXISTS contract_report_refuse_rewrite()')
    op.drop_table('api_rate_window')
    with op.batch_alter_table('api_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_referral_participant_id'))
        batch_op.drop_index(batch_op.f('ix_api_referral_org_id'))
    op.drop_table('api_referral')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_client_pk'))
    op.drop_table('api_token')
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_client_org_id'))
    op.drop_table('api_client')
    with op.batch_alter_table('contract_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_report_month'))
    op.drop_table('contract_report')
    op.drop_table('contract_report_draft')
