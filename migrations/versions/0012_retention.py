"""retention: rules, legal holds, destruction lists, audit checkpoints

Revision ID: 0012_retention
Revises: 0011_rights
Create Date: 2026-11-22 07:00:00

On PostgreSQL this adds ``audit_expire_to_checkpoint(upto)``: a SECURITY DEFINER
function owned by the tables' owner, the only path that may delete audit rows. It
sets ``portal.audit_expiry`` for its own transaction, so the append-only trigger of
0004_audit lets the owner's DELETE through for rows at or below the newest verified
checkpoint, and nothing else. EXECUTE goes to the app role only (not PUBLIC); the app
role itself still has no DELETE on audit_event.
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0012_retention'
down_revision = '0011_rights'
branch_labels = None
depends_on = None

# The README's "Retention defaults" (portal.retention.retention.DEFAULT_RULES holds the same).
RULES = [
    ("participant_record", "Participant record and case notes", 72, "case_closed", 1),
    ("appointments", "Appointments", 72, "case_closed", 2),
    ("consents", "Consents and consent evidence", 72, "case_closed", 3),
    ("disclosures", "Disclosures", 72, "case_closed", 4),
    ("rights_requests", "Rights requests", 24, "request_closed", 5),
    ("reports", "Generated reports and packages", 12, "created", 6),
    ("audit_events", "Audit events", 72, "created", 7),
]

EXPIRE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_expire_to_checkpoint(upto bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    sealed bigint;
    removed bigint;
BEGIN
    SELECT max(checkpoint_seq) INTO sealed FROM audit_verification WHERE kind = 'checkpoint' AND ok;
    IF sealed IS NULL OR upto > sealed THEN
        RAISE EXCEPTION 'no verified checkpoint covers audit event %', upto
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('portal.audit_expiry', 'on', true);
    DELETE FROM audit_event WHERE seq <= upto;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('portal.audit_expiry', 'off', true);
    RETURN removed;
END
$$
"""


def _app_role():
    """The app's role (DATABASE_URL's user) when migrations run as a separate owner."""
    try:
        from flask import current_app
        from sqlalchemy.engine import make_url
        owner_url = current_app.config.get('DATABASE_OWNER_URL')
        if not owner_url:
            return None
        app_user = make_url(current_app.config['SQLALCHEMY_DATABASE_URI']).username
        if not app_user or app_user == make_url(owner_url).username:
            return None
        return '"' + app_user.replace('"', '""') + '"'
    except RuntimeError:
        return None


def upgrade():
    op.create_table('legal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('lifted_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user_account.id'], name=op.f('fk_legal_hold_lifted_by_id_user_account')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['user_account.id'], name=op.f('fk_legal_hold_placed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index('ix_legal_hold_participant_lifted', ['participant_id', 'lifted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_hold_participant_id'), ['participant_id'], unique=False)

    rule = op.create_table('retention_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('period_months', sa.Integer(), nullable=False),
    sa.Column('counted_from', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("counted_from IN ('case_closed', 'request_closed', 'created')", name=op.f('ck_retention_rule_counted_from')),
    sa.CheckConstraint('period_months > 0', name=op.f('ck_retention_rule_period_months')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_retention_rule_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rule')),
    sa.UniqueConstraint('key', name=op.f('uq_retention_rule_key'))
    )
    op.bulk_insert(rule, [
        {"key": key, "name": name, "period_months": months, "counted_from": counted_from, "position": position}
        for key, name, months, counted_from, position in RULES
    ])

    op.create_table('retention_rule_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('old_period_months', sa.Integer(), nullable=False),
    sa.Column('new_period_months', sa.Integer(), nullable=False),
    sa.Column('old_counted_from', sa.String(length=20), nullable=False),
    sa.Column('new_counted_from', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_retention_rule_change_changed_by_id_user_account')),
    sa.ForeignKeyConstraint(['rule_id'], ['retention_rule.id'], name=op.f('fk_retention_rule_change_rule_id_retention_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rule_change'))
    )
    with op.batch_alter_table('retention_rule_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_rule_change_rule_id'), ['rule_id'], unique=False)

    op.create_table('destruction_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('built_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('built_by_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'completed')", name=op.f('ck_destruction_list_status')),
    sa.ForeignKeyConstraint(['built_by_id'], ['user_account.id'], name=op.f('fk_destruction_list_built_by_id_user_account')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_destruction_list_job_id_job')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_list'))
    )

    op.create_table('destruction_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.String(length=60), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('counted_from_on', sa.Date(), nullable=False),
    sa.Column('period_ended_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('hold_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('destroyed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tombstone_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'held', 'approved', 'destroyed', 'failed')", name=op.f('ck_destruction_item_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_destruction_item_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['hold_id'], ['legal_hold.id'], name=op.f('fk_destruction_item_hold_id_legal_hold')),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_list.id'], name=op.f('fk_destruction_item_list_id_destruction_list')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_item'))
    )
    with op.batch_alter_table('destruction_item', schema=None) as batch_op:
        batch_op.create_index('ix_destruction_item_kind_object', ['kind', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_item_list_id'), ['list_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(EXPIRE_FUNCTION)
        op.execute('REVOKE ALL ON FUNCTION audit_expire_to_checkpoint(bigint) FROM PUBLIC')
        role = _app_role()
        if role:
            op.execute(f'GRANT EXECUTE ON FUNCTION audit_expire_to_checkpoint(bigint) TO {role}')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_expire_to_checkpoint(bigint)')

    with op.batch_alter_table('destruction_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_item_list_id'))
        batch_op.drop_index('ix_destruction_item_kind_object')
    op.drop_table('destruction_item')
    op.drop_table('destruction_list')
    with op.batch_alter_table('retention_rule_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_rule_change_rule_id'))
    op.drop_table('retention_rule_change')
    op.drop_table('retention_rule')
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_hold_participant_id'))
        batch_op.drop_index('ix_legal_hold_participant_lifted')
    op.drop_table('legal_hold')
