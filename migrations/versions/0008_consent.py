"""consent and the disclosures register: privacy notice versions, consent purposes
(seeded), consents with evidence and withdrawals, disclosures, GP letters, employer
contact, emergency overrides, requests from authorities

Revision ID: 0008_consent
Revises: 0007_lifecycle
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


revision = '0008_consent'
down_revision = '0007_lifecycle'
branch_labels = None
depends_on = None

# The purposes of DESIGN.md rule 2 (portal.consent.consents.DEFAULT_PURPOSES holds
# the same rows for demo data and tests). Purposes are data: more may be added.
PURPOSES = [
    {
        "code": "gp_contact", "position": 1, "active": True,
        "name": "GP or health practitioner contact",
        "description": "Your VRC may write to or speak with your GP or health practitioner, so that they have "
                       "the full picture of your condition and are better equipped to support you.",
        "data_categories": ["Name, date of birth and contact details", "Health and wellbeing information",
                            "Work obstacles and the support agreed on the programme"],
        "recipients": "The participant’s GP or health practitioner",
    },
    {
        "code": "employer_contact", "position": 2, "active": True,
        "name": "Employer contact",
        "description": "Your VRC may contact your employer to discuss the obstacles you are experiencing at work, "
                       "and give them guidance on how they can support you, such as adjustments.",
        "data_categories": ["Name and contact details", "Work obstacles and adjustments",
                            "Progress on the programme"],
        "recipients": "The participant’s employer",
    },
    {
        "code": "research_contact", "position": 3, "active": True,
        "name": "Identifiable research contact",
        "description": "Ingeus UK, or a research organisation working for it, may contact you to take part in "
                       "research where you can be identified, such as focus groups or feedback forms.",
        "data_categories": ["Name and contact details", "Participation in the programme"],
        "recipients": "Ingeus UK and research organisations commissioned by it",
    },
]


def upgrade():
    op.create_table('consent_purpose',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('recipients', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_purpose')),
    sa.UniqueConstraint('code', name=op.f('uq_consent_purpose_code'))
    )
    op.create_table('privacy_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('reconsent_required', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_privacy_notice_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_privacy_notice_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_privacy_notice_published_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
    sa.UniqueConstraint('version', name=op.f('uq_privacy_notice_version'))
    )
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('purpose_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('participant_words', sa.Text(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_position', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('receipt_id', sa.String(length=36), nullable=False),
    sa.CheckConstraint("decision IN ('given', 'refused')", name=op.f('ck_consent_decision')),
    sa.CheckConstraint("method IN ('verbal', 'written')", name=op.f('ck_consent_method')),
    sa.ForeignKeyConstraint(['notice_id'], ['privacy_notice.id'], name=op.f('fk_consent_notice_id_privacy_notice')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_consent_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consent_participant_id_participant')),
    sa.ForeignKeyConstraint(['purpose_id'], ['consent_purpose.id'], name=op.f('fk_consent_purpose_id_consent_purpose')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_consent_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent')),
    sa.UniqueConstraint('receipt_id', name=op.f('uq_consent_receipt_id'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_consent_participant_purpose', ['participant_id', 'purpose_id'], unique=False)

    op.create_table('consent_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_consent_evidence_consent_id_consent')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_consent_evidence_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consent_evidence_participant_id_participant')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_consent_evidence_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_evidence')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_consent_evidence_storage_key'))
    )
    with op.batch_alter_table('consent_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_evidence_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_evidence_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_evidence_participant_id'), ['participant_id'], unique=False)

    op.create_table('consent_withdrawal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('participant_words', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_position', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_consent_withdrawal_consent_id_consent')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_consent_withdrawal_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consent_withdrawal_participant_id_participant')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_consent_withdrawal_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_withdrawal')),
    sa.UniqueConstraint('consent_id', name=op.f('uq_consent_withdrawal_consent_id'))
    )
    with op.batch_alter_table('consent_withdrawal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_withdrawal_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_withdrawal_participant_id'), ['participant_id'], unique=False)

    op.create_table('disclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('recipient_type', sa.String(length=30), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('legal_basis', sa.String(length=40), nullable=True),
    sa.Column('legal_basis_detail', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('copy_key', sa.String(length=200), nullable=True),
    sa.Column('copy_content_type', sa.String(length=60), nullable=False),
    sa.Column('disclosed_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disclosed_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('consent_id IS NOT NULL OR legal_basis IS NOT NULL', name=op.f('ck_disclosure_consent_or_basis')),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_disclosure_consent_id_consent')),
    sa.ForeignKeyConstraint(['disclosed_by_id'], ['user_account.id'], name=op.f('fk_disclosure_disclosed_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_disclosure_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_disclosure_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure'))
    )
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_disclosure_participant', ['participant_id', 'disclosed_at'], unique=False)

    op.create_table('authority_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('authority_type', sa.String(length=30), nullable=False),
    sa.Column('requester', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('legal_basis_cited', sa.String(length=500), nullable=False),
    sa.Column('what_requested', sa.Text(), nullable=False),
    sa.Column('subject_details', sa.Text(), nullable=False),
    sa.Column('respond_by', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('logged_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.String(length=40), nullable=True),
    sa.Column('disclosure_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('awaiting_decision', 'approved', 'refused', 'disclosed')", name=op.f('ck_authority_request_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_authority_request_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_authority_request_disclosure_id_disclosure')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['user_account.id'], name=op.f('fk_authority_request_logged_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_authority_request_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_authority_request_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_request'))
    )
    with op.batch_alter_table('authority_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authority_request_logged_by_id'), ['logged_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authority_request_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authority_request_participant_id'), ['participant_id'], unique=False)

    op.create_table('emergency_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('recipient_type', sa.String(length=30), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('what_shared', sa.Text(), nullable=False),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('contacted_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('made_as', sa.String(length=20), nullable=False),
    sa.Column('made_while_restricted', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_outcome', sa.String(length=30), nullable=True),
    sa.Column('review_notes', sa.Text(), nullable=False),
    sa.CheckConstraint("recipient_type IN ('emergency_services', 'gp')", name=op.f('ck_emergency_contact_recipient_type')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_emergency_contact_disclosure_id_disclosure')),
    sa.ForeignKeyConstraint(['made_by_id'], ['user_account.id'], name=op.f('fk_emergency_contact_made_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_emergency_contact_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_emergency_contact_participant_id_participant')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_emergency_contact_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_contact'))
    )
    with op.batch_alter_table('emergency_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_contact_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_contact_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_emergency_contact_unreviewed', ['reviewed_at'], unique=False)

    op.create_table('employer_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('contacted_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('employer_name', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('what_shared', sa.Text(), nullable=False),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('call', 'email', 'meeting')", name=op.f('ck_employer_contact_kind')),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_employer_contact_consent_id_consent')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_employer_contact_disclosure_id_disclosure')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_employer_contact_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_employer_contact_participant_id_participant')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_employer_contact_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_contact'))
    )
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_contact_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_contact_participant_id'), ['participant_id'], unique=False)

    op.create_table('gp_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('practice_name', sa.String(length=200), nullable=False),
    sa.Column('practice_address', sa.String(length=400), nullable=False),
    sa.Column('addressee', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('pdf_key', sa.String(length=200), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('sent_method', sa.String(length=20), nullable=True),
    sa.Column('sent_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_recorded_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disclosure_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'issued', 'sent', 'cancelled')", name=op.f('ck_gp_letter_status')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['user_account.id'], name=op.f('fk_gp_letter_cancelled_by_id_user_account')),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_gp_letter_consent_id_consent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_gp_letter_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_gp_letter_disclosure_id_disclosure')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_gp_letter_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_gp_letter_org_id_organisation')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_gp_letter_participant_id_participant')),
    sa.ForeignKeyConstraint(['sent_recorded_by_id'], ['user_account.id'], name=op.f('fk_gp_letter_sent_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gp_letter'))
    )
    with op.batch_alter_table('gp_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gp_letter_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gp_letter_participant_id'), ['participant_id'], unique=False)

    purpose = sa.table(
        'consent_purpose',
        sa.column('code', sa.String), sa.column('name', sa.String), sa.column('description', sa.Text),
        sa.column('data_categories', sa.JSON), sa.column('recipients', sa.String),
        sa.column('position', sa.Integer), sa.column('active', sa.Boolean),
    )
    op.bulk_insert(purpose, PURPOSES)


def downgrade():
    with op.batch_alter_table('gp_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gp_letter_participant_id'))
        batch_op.drop_index(batch_op.f('ix_gp_letter_org_id'))

    op.drop_table('gp_letter')
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_contact_participant_id'))
        batch_op.drop_index(batch_op.f('ix_employer_contact_org_id'))

    op.drop_table('employer_contact')
    with op.batch_alter_table('emergency_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_emergency_contact_unreviewed')
        batch_op.drop_index(batch_op.f('ix_emergency_contact_participant_id'))
        batch_op.drop_index(batch_op.f('ix_emergency_contact_org_id'))

    op.drop_table('emergency_contact')
    with op.batch_alter_table('authority_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authority_request_participant_id'))
        batch_op.drop_index(batch_op.f('ix_authority_request_org_id'))
        batch_op.drop_index(batch_op.f('ix_authority_request_logged_by_id'))

    op.drop_table('authority_request')
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosure_participant')
        batch_op.drop_index(batch_op.f('ix_disclosure_org_id'))

    op.drop_table('disclosure')
    with op.batch_alter_table('consent_withdrawal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_withdrawal_participant_id'))
        batch_op.drop_index(batch_op.f('ix_consent_withdrawal_org_id'))

    op.drop_table('consent_withdrawal')
    with op.batch_alter_table('consent_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_evidence_participant_id'))
        batch_op.drop_index(batch_op.f('ix_consent_evidence_org_id'))
        batch_op.drop_index(batch_op.f('ix_consent_evidence_consent_id'))

    op.drop_table('consent_evidence')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_participant_purpose')
        batch_op.drop_index(batch_op.f('ix_consent_org_id'))

    op.drop_table('consent')
    op.drop_table('privacy_notice')
    op.drop_table('consent_purpose')
