"""contract areas: postcode area -> delivering organisation, with history

Revision ID: 0003_contract_areas
Revises: 0002_notifications_staff
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


revision = '0003_contract_areas'
down_revision = '0002_notifications_staff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=2), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_contract_area_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_area')),
    sa.UniqueConstraint('area', name=op.f('uq_contract_area_area'))
    )
    with op.batch_alter_table('contract_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_area_org_id'), ['org_id'], unique=False)

    op.create_table('contract_area_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=2), nullable=False),
    sa.Column('at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('from_org_id', sa.Integer(), nullable=True),
    sa.Column('to_org_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['from_org_id'], ['organisation.id'], name=op.f('fk_contract_area_change_from_org_id_organisation')),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisation.id'], name=op.f('fk_contract_area_change_to_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_contract_area_change_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_area_change'))
    )
    with op.batch_alter_table('contract_area_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_area_change_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_area_change_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('contract_area_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_area_change_at'))
        batch_op.drop_index(batch_op.f('ix_contract_area_change_area'))

    op.drop_table('contract_area_change')
    with op.batch_alter_table('contract_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_area_org_id'))

    op.drop_table('contract_area')
