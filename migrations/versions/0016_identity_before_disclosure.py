"""identity before disclosure: who recorded a rights request's identity outcome and
why, and a `failed` outcome

Revision ID: 0016_identity_before_disclosure
Revises: 0015_consent_history
Create Date: 2026-12-07 19:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0016_identity_before_disclosure'
down_revision = '0015_consent_history'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('identity_decided_at', portal.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('identity_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_rights_request_identity_decided_by_id_user_account'),
                                    'user_account', ['identity_decided_by_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_rights_request_identity_status'), type_='check')
        batch_op.create_check_constraint(
            'identity_status', "identity_status IN ('not_needed', 'pending', 'proved', 'failed')")


def downgrade():
    op.execute("UPDATE rights_request SET identity_status = 'pending' WHERE identity_status = 'failed'")
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_rights_request_identity_status'), type_='check')
        batch_op.create_check_constraint('identity_status',
                                         "identity_status IN ('not_needed', 'pending', 'proved')")
        batch_op.drop_constraint(batch_op.f('fk_rights_request_identity_decided_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('identity_reason')
        batch_op.drop_column('identity_decided_at')
        batch_op.drop_column('identity_decided_by_id')
