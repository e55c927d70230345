"""audit: append-only trigger on the audit tables; sign-in failures and locks

Revision ID: 0004_audit
Revises: 0003_contract_areas
Create Date: 2026-11-22 09:00:00

On PostgreSQL a trigger refuses UPDATE and DELETE on audit_event and
audit_verification, whoever asks (the app role also lacks those rights and
TRUNCATE: migrations/env.py revokes them after every upgrade). The only
deletion the trigger lets through is the governance expiry path: the tables'
owner, with ``portal.audit_expiry`` set to 'on' for its transaction, removing
events at or below the newest verified checkpoint (the owner's function that
does so is the governance issue's). TRUNCATE by the owner is not a row
operation and stays possible for the owner alone (the test suite's clean-up).
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0004_audit'
down_revision = '0003_contract_areas'
branch_labels = None
depends_on = None


APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_event' THEN
        IF current_setting('portal.audit_expiry', true) = 'on'
           AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
           AND OLD.seq <= (SELECT max(checkpoint_seq) FROM audit_verification
                           WHERE kind = 'checkpoint' AND ok)
        THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

APPEND_ONLY_TABLES = ("audit_event", "audit_verification")


def upgrade():
    op.create_table('signin_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_failure'))
    )
    with op.batch_alter_table('signin_failure', schema=None) as batch_op:
        batch_op.create_index('ix_signin_failure_account_key_at', ['account_key', 'at'], unique=False)
        batch_op.create_index('ix_signin_failure_address_at', ['address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signin_failure_at'), ['at'], unique=False)

    op.create_table('signin_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('locked_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('until', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scope IN ('account', 'address')", name=op.f('ck_signin_lock_scope')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_lock'))
    )
    with op.batch_alter_table('signin_lock', schema=None) as batch_op:
        batch_op.create_index('ix_signin_lock_scope_key_until', ['scope', 'key', 'until'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
                'FOR EACH ROW EXECUTE FUNCTION audit_refuse_rewrite()'
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in APPEND_ONLY_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
        op.execute('DROP FUNCTION IF EXISTS audit_refuse_rewrite()')

    with op.batch_alter_table('signin_lock', schema=None) as batch_op:
        batch_op.drop_index('ix_signin_lock_scope_key_until')

    op.drop_table('signin_lock')
    with op.batch_alter_table('signin_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_failure_at'))
        batch_op.drop_index('ix_signin_failure_address_at')
        batch_op.drop_index('ix_signin_failure_account_key_at')

    op.drop_table('signin_failure')
