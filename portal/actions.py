"""Every action the portal names, in one vocabulary.

An action is named in three places, and each place takes an ``Action``:

- **route permissions**: the keys of ``portal.permissions.ACTIONS``, named by
  ``@requires(Action.X)`` on a view and by ``can("...")`` in templates; the table says
  which roles may perform each;
- **restriction actions**: what a service passes to
  ``participant_access.ensure_not_restricted``; all are refused while the DPO has
  restricted a participant's processing, except those in
  ``participant_access.ALLOWED_WHILE_RESTRICTED``. Some are also route permissions (the
  service checks the very change the route permits); the others, listed apart below,
  are finer than the route permission that reaches them (``appointment.manage`` permits
  booking, rescheduling and cancelling; the restriction tells them apart);
- **job kinds**: ``Job.kind`` of a background job (``portal.jobs.KINDS`` and the
  periodic jobs of ``portal.jobs.PERIODIC``).

An ``Action`` is a ``StrEnum``: ``Action.CASE_NOTE_WRITE == "case_note.write"``, so the
names stored in the database (``Job.kind``) and in audit events are the strings they
always were, and a template's ``can("case_note.write")`` finds the same table entry.
tests/core/test_actions.py checks that no call passes a bare string and that every
member is used.
"""

import enum


class Action(enum.StrEnum):
    # ---------------------------------------------------------- route permissions
    # Keys of permissions.ACTIONS. Those marked "restriction" are also passed to
    # ensure_not_restricted by the service making the change.

    # Signed-in basics
    HOME_VIEW = "home.view"
    ORG_VIEW = "org.view"
    # Background jobs: a job's page; the periodic jobs' page (run one now)
    JOBS_VIEW = "jobs.view"
    JOBS_PERIODIC = "jobs.periodic"
    # Account lifecycle
    CONTRACT_AREA_MANAGE = "contract_area.manage"
    ORGANISATION_MANAGE = "organisation.manage"
    ACCOUNT_PASSWORD = "account.password"  # change one's own password
    STAFF_MFA_RESET = "staff.mfa_reset"
    STAFF_REACTIVATE = "staff.reactivate"
    # Notifications and staff accounts
    NOTIFICATIONS_VIEW = "notifications.view"
    NOTIFICATIONS_DEV_OUTBOX = "notifications.dev_outbox"  # the emails a development server would send
    STAFF_MANAGE = "staff.manage"
    # Casework
    CASELOAD_OWN = "caseload.own"
    CASELOAD_TEAM = "caseload.team"
    REFERRAL_TAKE_IN = "referral.take_in"
    PARTICIPANT_VIEW = "participant.view"
    PARTICIPANT_EDIT = "participant.edit"  # restriction
    PARTICIPANT_CLOSE = "participant.close"  # restriction
    PARTICIPANT_ALLOCATE = "participant.allocate"  # restriction: also passing a referral to another partner
    RESEARCH_CONTACTS_VIEW = "research_contacts.view"
    RESEARCH_CONTACTS_EXPORT = "research_contacts.export"
    CASE_NOTE_WRITE = "case_note.write"  # restriction
    APPOINTMENT_MANAGE = "appointment.manage"  # book, reschedule, cancel, record the outcome
    APPOINTMENT_CHANGE = "appointment.change"  # reschedule or cancel, out-of-hours staff too
    SUPPORT_PLAN_MANAGE = "support_plan.manage"
    MILESTONE_RECORD = "milestone.record"  # restriction
    # Consent and the disclosures register
    CONSENT_VIEW = "consent.view"
    CONSENT_RECORD = "consent.record"  # restriction
    CONSENT_WITHDRAW = "consent.withdraw"  # restriction, allowed while restricted
    GP_LETTER_WRITE = "gp_letter.write"  # restriction: drafting and editing the letter
    EMPLOYER_CONTACT_RECORD = "employer_contact.record"  # restriction
    EMERGENCY_OVERRIDE = "emergency.override"  # disclose without consent in an emergency
    PRIVACY_NOTICE_READ = "privacy_notice.read"
    PRIVACY_NOTICE_MANAGE = "privacy_notice.manage"
    # Retention, legal holds, destruction, audit checkpoints, overrides, authorities
    RETENTION_MANAGE = "retention.manage"
    OVERRIDE_REVIEW = "override.review"  # the DPO reviews emergency overrides
    AUTHORITY_REQUEST_LOG = "authority_request.log"  # police and other authorities asking for data
    AUTHORITY_REQUEST_DECIDE = "authority_request.decide"
    # Rights requests
    RIGHTS_REQUEST_LOG = "rights_request.log"
    RIGHTS_REQUEST_MANAGE = "rights_request.manage"
    RIGHTS_ACCESS = "rights.access"  # the DPO's access packages
    RIGHTS_ERASE = "rights.erase"
    PARTICIPANT_DPO_READ = "participant.dpo_read"  # the DPO's full read of a linked participant
    # Out-of-hours service
    OOH_SEARCH = "ooh.search"
    OOH_CALL = "ooh.call"  # the call pages of /ooh/<org>/participants/...
    OOH_ACCESS = "ooh.access"  # the verbal-consent check that grants time-boxed access
    OOH_LOG = "ooh.log"  # the whole out-of-hours log (the DPO)
    OOH_LOG_ORG = "ooh.log.org"  # one organisation's out-of-hours log (its team managers)
    OOH_CALLBACK_CLOSE = "ooh.callback.close"
    # Contract reporting and the API
    REPORT_MANAGE = "report.manage"
    LEAD_DASHBOARD = "lead.dashboard"
    REPORT_READ_PUBLISHED = "report.read_published"
    STATISTICS_VIEW = "statistics.view"
    API_CLIENT_MANAGE = "api_client.manage"
    # Governance
    BREACH_REPORT = "breach.report"
    BREACH_MANAGE = "breach.manage"
    AUDIT_SEARCH = "audit.search"
    TRAINING_MANAGE = "training.manage"
    ACCESS_REVIEW_MANAGE = "access_review.manage"
    ACCESS_REVIEW_OVERSEE = "access_review.oversee"

    # -------------------------------------------------------- restriction actions
    # Only passed to ensure_not_restricted (not keys of permissions.ACTIONS): the
    # route permission that reaches them is named beside each.
    APPOINTMENT_SCHEDULE = "appointment.schedule"  # appointment.manage
    APPOINTMENT_RESCHEDULE = "appointment.reschedule"  # appointment.manage, appointment.change
    APPOINTMENT_CANCEL = "appointment.cancel"  # appointment.manage, appointment.change
    # Allowed while restricted: the participant asked for it.
    APPOINTMENT_CANCEL_AT_PARTICIPANT_REQUEST = "appointment.cancel_at_participant_request"
    APPOINTMENT_OUTCOME = "appointment.outcome"  # attended or not; appointment.manage
    ASSESSMENT_RECORD = "assessment.record"  # support_plan.manage
    SUPPORT_PLAN_EDIT = "support_plan.edit"  # support_plan.manage
    CASE_NOTE_AMEND = "case_note.amend"  # case_note.write
    CONSENT_EVIDENCE = "consent.evidence"  # adding evidence to a consent; consent.record
    GP_LETTER_ISSUE = "gp_letter.issue"  # gp_letter.write
    GP_LETTER_SEND = "gp_letter.send"  # gp_letter.write
    DISCLOSURE_RECORD = "disclosure.record"  # any disclosure outside the rights workflow
    OOH_CALL_NOTE = "ooh.call_note"  # ooh.call
    # The DPO's rights workflows (rectification, access packages, portability...):
    # allowed while restricted. rights_request.manage, rights.access.
    RIGHTS_WORKFLOW = "rights.workflow"
    OBJECTION_RECORD = "objection.record"  # allowed while restricted; rights_request.manage

    # ----------------------------------------------------------------- job kinds
    # Job.kind of jobs a service enqueues (portal.jobs.KINDS)
    EMAIL = "email"
    ACCOUNT_PASSWORD_RESET = "account.password_reset"  # send a reset link, if the address has an account
    REFERRAL_UPLOAD = "referral_upload"  # read a CSV file of referrals
    CONTRACT_REPORT = "contract_report"  # build a monthly contract report's draft
    ACCESS_PACKAGE = "access_package"  # build a participant's access package
    RETENTION_DESTROY = "retention.destroy"  # destroy the approved records of a destruction list
    # Periodic jobs (portal.jobs.PERIODIC): each name is also its runs' Job.kind
    PURGE_EXPIRED_SESSIONS = "purge-expired-sessions"
    AUDIT_VERIFY = "audit-verify"  # also run on demand from the audit page
    RECONCILE_JOBS = "reconcile-jobs"  # hand lost jobs back to the queue
    MONTHLY_CONTRACT_REPORT = "monthly-contract-report"
    RETENTION_NIGHTLY = "retention-nightly"  # build the destruction list
    RIGHTS_REMINDERS = "rights-reminders"
    TRAINING_REMINDERS = "training-reminders"
