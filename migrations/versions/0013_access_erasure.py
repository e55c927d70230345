"""access packages and redactions; erasure tombstones

Revision ID: 0013_access_erasure
Revises: 0012_retention
Create Date: 2026-11-22 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0013_access_erasure'
down_revision = '0012_retention'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tombstone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.String(length=40), nullable=False),
        sa.Column('what', sa.Text(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('erased_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('rights_request_id', sa.Integer(), nullable=True),
        sa.Column('basis', sa.String(length=30), nullable=False),
        sa.Column('rule', sa.String(length=60), nullable=True),
        sa.CheckConstraint("basis IN ('rights_request', 'retention')", name=op.f('ck_tombstone_basis')),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['user_account.id'],
                                name=op.f('fk_tombstone_confirmed_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tombstone')),
    )
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.create_index('ix_tombstone_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tombstone_rights_request_id'), ['rights_request_id'], unique=False)

    op.create_table(
        'access_package',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('rights_request_id', sa.Integer(), nullable=True),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('draft_key', sa.String(length=200), nullable=True),
        sa.Column('draft_sha256', sa.String(length=64), nullable=False),
        sa.Column('released_key', sa.String(length=200), nullable=True),
        sa.Column('released_sha256', sa.String(length=64), nullable=False),
        sa.Column('released_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('released_by_id', sa.Integer(), nullable=True),
        sa.Column('disclosure_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('building', 'ready', 'released', 'failed')",
                           name=op.f('ck_access_package_status')),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_access_package_org_id_organisation')),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_access_package_participant_id_participant')),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_access_package_job_id_job')),
        sa.ForeignKeyConstraint(['released_by_id'], ['user_account.id'],
                                name=op.f('fk_access_package_released_by_id_user_account')),
        sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'],
                                name=op.f('fk_access_package_disclosure_id_disclosure')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_access_package_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_package')),
    )
    with op.batch_alter_table('access_package', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_package_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_package_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_package_rights_request_id'), ['rights_request_id'], unique=False)

    op.create_table(
        'access_redaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('passage_key', sa.String(length=120), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('redacted_by_id', sa.Integer(), nullable=True),
        sa.Column('redacted_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['package_id'], ['access_package.id'],
                                name=op.f('fk_access_redaction_package_id_access_package')),
        sa.ForeignKeyConstraint(['redacted_by_id'], ['user_account.id'],
                                name=op.f('fk_access_redaction_redacted_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_redaction')),
        sa.UniqueConstraint('package_id', 'passage_key', name='uq_access_redaction_passage'),
    )
    with op.batch_alter_table('access_redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_redaction_package_id'), ['package_id'], unique=False)


def downgrade():
    with op.batch_alter_table('access_redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_redaction_package_id'))
    op.drop_table('access_redaction')
    with op.batch_alter_table('access_package', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_package_rights_request_id'))
        batch_op.drop_index(batch_op.f('ix_access_package_participant_id'))
        batch_op.drop_index(batch_op.f('ix_access_package_org_id'))
    op.drop_table('access_package')
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tombstone_rights_request_id'))
        batch_op.drop_index('ix_tombstone_object')
    op.drop_table('tombstone')
