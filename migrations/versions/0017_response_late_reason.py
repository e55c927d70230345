"""rights requests: why a response dated by its due date was recorded after it

Revision ID: 0017_response_late_reason
Revises: 0016_identity_before_disclosure
Create Date: 2026-12-07 20:20:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_response_late_reason'
down_revision = '0016_identity_before_disclosure'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_late_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.drop_column('response_late_reason')
