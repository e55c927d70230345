"""account lifecycle: forgotten-password links, two-admin MFA resets

Revision ID: 0007_lifecycle
Revises: 0006_jobs
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


revision = '0007_lifecycle'
down_revision = '0006_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_reset_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)

    op.create_table('mfa_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('requested_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'cancelled')", name=op.f('ck_mfa_reset_status')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_mfa_reset_decided_by_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_mfa_reset_org_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by'], ['user_account.id'], name=op.f('fk_mfa_reset_requested_by_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_mfa_reset_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_reset'))
    )
    with op.batch_alter_table('mfa_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mfa_reset_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mfa_reset_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mfa_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mfa_reset_user_id'))
        batch_op.drop_index(batch_op.f('ix_mfa_reset_org_id'))

    op.drop_table('mfa_reset')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))
        batch_op.drop_index(batch_op.f('ix_password_reset_created_at'))

    op.drop_table('password_reset')
