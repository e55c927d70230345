"""governance: breach register, training records, access reviews

Revision ID: 0014_governance
Revises: 0013_access_erasure
Create Date: 2026-11-22 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0014_governance'
down_revision = '0013_access_erasure'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('breach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('discovered_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('data_affected', sa.Text(), nullable=False),
    sa.Column('people_affected', sa.Text(), nullable=False),
    sa.Column('organisations_involved', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('risk_level', sa.String(length=10), nullable=True),
    sa.Column('risk_assessment', sa.Text(), nullable=False),
    sa.Column('report_to_ico', sa.Boolean(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('delay_reason', sa.Text(), nullable=False),
    sa.Column('decided_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('ico_reference', sa.String(length=60), nullable=False),
    sa.Column('ico_reported_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dwp_told_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('people_told_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('actions_taken', sa.Text(), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_breach_org_id_organisation')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], name=op.f('fk_breach_reported_by_id_user_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_breach_decided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach'))
    )
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_status'), ['status'], unique=False)

    op.create_table('training_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lapses_on', sa.Date(), nullable=False),
    sa.Column('sent_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_training_notice_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_notice')),
    sa.UniqueConstraint('user_id', 'lapses_on', name='uq_training_notice_user_id_lapses_on')
    )
    with op.batch_alter_table('training_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_notice_user_id'), ['user_id'], unique=False)

    op.create_table('access_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_access_review_org_id_organisation')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_access_review_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_review'))
    )
    with op.batch_alter_table('access_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_review_org_id'), ['org_id'], unique=False)

    op.create_table('access_review_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('removed_roles', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['access_review.id'], name=op.f('fk_access_review_decision_review_id_access_review')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_access_review_decision_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_review_decision'))
    )
    with op.batch_alter_table('access_review_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_review_decision_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_review_decision_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('access_review_decision')
    op.drop_table('access_review')
    op.drop_table('training_notice')
    op.drop_table('breach')
