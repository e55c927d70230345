"""Every model, imported so that Alembic and the mappers see the whole schema."""

from portal.models.api_client import ApiClient, ApiRateWindow, ApiReferral, ApiToken
from portal.models.appointment import Appointment, AppointmentReschedule
from portal.models.audit import AuditEvent, AuditVerification
from portal.models.authority_request import AuthorityRequest
from portal.models.case_note import CaseNote, CaseNoteVersion
from portal.models.consent import Consent, ConsentEvidence, ConsentPurpose, ConsentWithdrawal, PrivacyNotice
from portal.models.contract_area import ContractArea, ContractAreaChange
from portal.models.contract_report import ContractReport, ContractReportDraft
from portal.models.disclosure import Disclosure, DisclosureReview, EmergencyContact
from portal.models.erasure import AccessPackage, AccessRedaction, Tombstone
from portal.models.governance import AccessReview, AccessReviewDecision, Breach, TrainingNotice
from portal.models.invitation import Invitation
from portal.models.job import Job
from portal.models.lifecycle import MfaReset, PasswordReset
from portal.models.lockout import SignInFailure, SignInLock
from portal.models.milestone import Milestone
from portal.models.notification import Notification, OutboxMessage
from portal.models.ooh import OohCallback, OohCallNote, OohCheck, OohEvent, OohGrant, OohSearchHit
from portal.models.organisation import Organisation
from portal.models.participant import Participant, ParticipantChange, StatusChange
from portal.models.referral_upload import ReferralUpload
from portal.models.retention import DestructionItem, DestructionList, LegalHold, RetentionRule, RetentionRuleChange
from portal.models.rights import (
    ClockStop,
    Complaint,
    Objection,
    PortabilityExport,
    RestrictionNotice,
    RightsRequest,
    RightsRequestRight,
)
from portal.models.session import StaffSession
from portal.models.sharing import EmployerContact, GpLetter
from portal.models.support_plan import Assessment, SupportPlanAction
from portal.models.user import Membership, User

__all__ = [
    "AccessPackage",
    "AccessRedaction",
    "Tombstone",
    "ApiClient",
    "ApiRateWindow",
    "ApiReferral",
    "ApiToken",
    "ContractReport",
    "ContractReportDraft",
    "AuthorityRequest",
    "Consent",
    "ConsentEvidence",
    "ConsentPurpose",
    "ConsentWithdrawal",
    "Disclosure",
    "DisclosureReview",
    "EmergencyContact",
    "EmployerContact",
    "GpLetter",
    "PrivacyNotice",
    "Appointment",
    "AppointmentReschedule",
    "Assessment",
    "CaseNote",
    "CaseNoteVersion",
    "Milestone",
    "Participant",
    "ParticipantChange",
    "ReferralUpload",
    "RightsRequest",
    "RightsRequestRight",
    "ClockStop",
    "Complaint",
    "Objection",
    "PortabilityExport",
    "RestrictionNotice",
    "StatusChange",
    "SupportPlanAction",
    "AuditEvent",
    "AuditVerification",
    "ContractArea",
    "ContractAreaChange",
    "MfaReset",
    "PasswordReset",
    "Invitation",
    "Job",
    "Membership",
    "Notification",
    "OohCallNote",
    "OohCallback",
    "OohCheck",
    "OohEvent",
    "OohGrant",
    "OohSearchHit",
    "Organisation",
    "SignInFailure",
    "SignInLock",
    "OutboxMessage",
    "StaffSession",
    "User",
    "DestructionItem",
    "DestructionList",
    "LegalHold",
    "RetentionRule",
    "RetentionRuleChange",
    "AccessReview",
    "AccessReviewDecision",
    "Breach",
    "TrainingNotice",
]
