"""rights requests: the request log, clock stops, outcomes, complaints, objections

Revision ID: 0011_rights
Revises: 0010_reporting
Create Date: 2026-11-22 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '0011_rights'
down_revision = '0010_reporting'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rights_complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('complainant_name', sa.String(length=200), nullable=False),
    sa.Column('complainant_contact', sa.String(length=500), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('investigation', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('ico_told_on', sa.Date(), nullable=True),
    sa.Column('ico_told_method', sa.String(length=20), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('logged_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_rights_complaint_status')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_rights_complaint_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['user_account.id'], name=op.f('fk_rights_complaint_logged_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_rights_complaint_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_rights_complaint_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_complaint'))
    )
    op.create_index(op.f('ix_rights_complaint_org_id'), 'rights_complaint', ['org_id'], unique=False)
    op.create_index(op.f('ix_rights_complaint_participant_id'), 'rights_complaint', ['participant_id'], unique=False)
    op.create_table('rights_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('no_data_held', sa.Boolean(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('requester_contact', sa.String(length=500), nullable=False),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('on_behalf_of', sa.String(length=500), nullable=False),
    sa.Column('what_requested', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('logged_by_org_id', sa.Integer(), nullable=True),
    sa.Column('logged_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('identity_status', sa.String(length=20), nullable=False),
    sa.Column('identity_asked_for', sa.Text(), nullable=False),
    sa.Column('identity_received_on', sa.Date(), nullable=True),
    sa.Column('identity_method', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.String(length=20), nullable=True),
    sa.Column('extension_detail', sa.Text(), nullable=False),
    sa.Column('extended_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('extension_notice_sent_on', sa.Date(), nullable=True),
    sa.Column('extension_notice_method', sa.String(length=20), nullable=False),
    sa.Column('dwp_informed_on', sa.Date(), nullable=True),
    sa.Column('dwp_informed_note', sa.Text(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('notice_sent_on', sa.Date(), nullable=True),
    sa.Column('notice_method', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=False),
    sa.Column('exemption', sa.String(length=300), nullable=False),
    sa.Column('response_sent_on', sa.Date(), nullable=True),
    sa.Column('response_method', sa.String(length=20), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("identity_status IN ('not_needed', 'pending', 'proved')", name=op.f('ck_rights_request_identity_status')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('done', 'partly_done', 'refused')", name=op.f('ck_rights_request_outcome')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_rights_request_status')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_rights_request_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['linked_by_id'], ['user_account.id'], name=op.f('fk_rights_request_linked_by_id_user_account')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['user_account.id'], name=op.f('fk_rights_request_logged_by_id_user_account')),
    sa.ForeignKeyConstraint(['logged_by_org_id'], ['organisation.id'], name=op.f('fk_rights_request_logged_by_org_id_organisation')),
    sa.ForeignKeyConstraint(['notice_id'], ['privacy_notice.id'], name=op.f('fk_rights_request_notice_id_privacy_notice')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_rights_request_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_rights_request_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_request'))
    )
    op.create_index(op.f('ix_rights_request_due_on'), 'rights_request', ['due_on'], unique=False)
    op.create_index(op.f('ix_rights_request_logged_by_id'), 'rights_request', ['logged_by_id'], unique=False)
    op.create_index(op.f('ix_rights_request_org_id'), 'rights_request', ['org_id'], unique=False)
    op.create_index(op.f('ix_rights_request_participant_id'), 'rights_request', ['participant_id'], unique=False)
    op.create_table('rights_clock_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('asked_on', sa.Date(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer_note', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_rights_clock_stop_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user_account.id'], name=op.f('fk_rights_clock_stop_asked_by_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['rights_request.id'], name=op.f('fk_rights_clock_stop_request_id_rights_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_clock_stop'))
    )
    op.create_index(op.f('ix_rights_clock_stop_request_id'), 'rights_clock_stop', ['request_id'], unique=False)
    op.create_table('rights_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("scope IN ('research', 'statistics')", name=op.f('ck_rights_objection_scope')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_rights_objection_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_rights_objection_participant_id_participant')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_rights_objection_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['rights_request.id'], name=op.f('fk_rights_objection_request_id_rights_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_objection'))
    )
    op.create_index(op.f('ix_rights_objection_org_id'), 'rights_objection', ['org_id'], unique=False)
    op.create_index(op.f('ix_rights_objection_participant_id'), 'rights_objection', ['participant_id'], unique=False)
    op.create_table('rights_request_right',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('right', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['rights_request.id'], name=op.f('fk_rights_request_right_request_id_rights_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_request_right')),
    sa.UniqueConstraint('request_id', 'right', name='request_right')
    )
    op.create_index(op.f('ix_rights_request_right_request_id'), 'rights_request_right', ['request_id'], unique=False)
    op.create_table('rights_restriction_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('told_on', sa.Date(), nullable=True),
    sa.Column('told_method', sa.String(length=20), nullable=False),
    sa.CheckConstraint("action IN ('set', 'lifted')", name=op.f('ck_rights_restriction_notice_action')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_rights_restriction_notice_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_rights_restriction_notice_participant_id_participant')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_rights_restriction_notice_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['rights_request.id'], name=op.f('fk_rights_restriction_notice_request_id_rights_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_restriction_notice'))
    )
    op.create_index(op.f('ix_rights_restriction_notice_org_id'), 'rights_restriction_notice', ['org_id'], unique=False)
    op.create_index(op.f('ix_rights_restriction_notice_participant_id'), 'rights_restriction_notice', ['participant_id'], unique=False)
    op.create_index(op.f('ix_rights_restriction_notice_request_id'), 'rights_restriction_notice', ['request_id'], unique=False)
    op.create_table('rights_portability_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_rights_portability_export_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_rights_portability_export_disclosure_id_disclosure')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_rights_portability_export_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_rights_portability_export_participant_id_participant')),
    sa.ForeignKeyConstraint(['request_id'], ['rights_request.id'], name=op.f('fk_rights_portability_export_request_id_rights_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_portability_export'))
    )
    op.create_index(op.f('ix_rights_portability_export_org_id'), 'rights_portability_export', ['org_id'], unique=False)
    op.create_index(op.f('ix_rights_portability_export_participant_id'), 'rights_portability_export', ['participant_id'], unique=False)
    op.create_index(op.f('ix_rights_portability_export_request_id'), 'rights_portability_export', ['request_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_rights_portability_export_request_id'), table_name='rights_portability_export')
    op.drop_index(op.f('ix_rights_portability_export_participant_id'), table_name='rights_portability_export')
    op.drop_index(op.f('ix_rights_portability_export_org_id'), table_name='rights_portability_export')
    op.drop_table('rights_portability_export')
    op.drop_index(op.f('ix_rights_restriction_notice_request_id'), table_name='rights_restriction_notice')
    op.drop_index(op.f('ix_rights_restriction_notice_participant_id'), table_name='rights_restriction_notice')
    op.drop_index(op.f('ix_rights_restriction_notice_org_id'), table_name='rights_restriction_notice')
    op.drop_table('rights_restriction_notice')
    op.drop_index(op.f('ix_rights_request_right_request_id'), table_name='rights_request_right')
    op.drop_table('rights_request_right')
    op.drop_index(op.f('ix_rights_objection_participant_id'), table_name='rights_objection')
    op.drop_index(op.f('ix_rights_objection_org_id'), table_name='rights_objection')
    op.drop_table('rights_objection')
    op.drop_index(op.f('ix_rights_clock_stop_request_id'), table_name='rights_clock_stop')
    op.drop_table('rights_clock_stop')
    op.drop_index(op.f('ix_rights_request_participant_id'), table_name='rights_request')
    op.drop_index(op.f('ix_rights_request_org_id'), table_name='rights_request')
    op.drop_index(op.f('ix_rights_request_logged_by_id'), table_name='rights_request')
    op.drop_index(op.f('ix_rights_request_due_on'), table_name='rights_request')
    op.drop_table('rights_request')
    op.drop_index(op.f('ix_rights_complaint_participant_id'), table_name='rights_complaint')
    op.drop_index(op.f('ix_rights_complaint_org_id'), table_name='rights_complaint')
    op.drop_table('rights_complaint')
