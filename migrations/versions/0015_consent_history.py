"""consent history: the reason a back-dated decision was recorded late, and the DPO's
review list of disclosures a one-off check found questionable

Revision ID: 0015_consent_history
Revises: 0014_governance
Create Date: 2026-12-07 19:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0015_consent_history'
down_revision = '0014_governance'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backdated_reason', sa.Text(), server_default='', nullable=False))

    op.create_table('disclosure_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('found_by', sa.String(length=80), nullable=False),
    sa.Column('found_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_outcome', sa.String(length=30), nullable=True),
    sa.Column('review_notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_disclosure_review_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_disclosure_review_participant_id_participant')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_disclosure_review_disclosure_id_disclosure')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_disclosure_review_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_review')),
    sa.UniqueConstraint('disclosure_id', 'kind', name='uq_disclosure_review_disclosure_kind')
    )
    with op.batch_alter_table('disclosure_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_review_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_review_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_disclosure_review_unreviewed', ['reviewed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('disclosure_review', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosure_review_unreviewed')
        batch_op.drop_index(batch_op.f('ix_disclosure_review_participant_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_review_org_id'))
    op.drop_table('disclosure_review')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('backdated_reason')
