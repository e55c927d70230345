"""The consent receipt a participant is given when they decide (the Kantara consent
receipt: who controls the data, for what purpose, how to withdraw)."""

from typing import Any

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.
from portal.consent.consents import decision_state
from portal.models import Consent, Participant

# The controller as the notice names it (receipts, letters).


# The controller as the notice names it (receipts, letters).
CONTROLLER = {
    "name": "Ingeus UK Ltd",
    "address": "66-68 East Smithfield, Royal Pharmaceutical Building, London, E1W 1AW",
    "email": "DataProtectionOfficer@ingeus.co.uk",
    "joint": "the Department for Work and Pensions (DWP)",
}
HOW_TO_WITHDRAW = (
    "You can withdraw your consent at any time, without giving a reason and without it affecting "
    "the support you receive: tell your VRC (or the out-of-hours service), who will update our "
    f"records at once, or write to the Data Protection Officer at {CONTROLLER['email']}."
)
RECEIPT_VERSION = "KI-CR-v1.1.0"


def receipt(consent: Consent, participant: Participant, organisation_name: str) -> dict[str, Any]:
    """The consent receipt, its fields modelled on the Kantara Initiative Consent
    Receipt (v1.1) and ISO/IEC TS 27560 consent records."""
    purpose = consent.purpose
    state, ended_by = decision_state(consent)
    if ended_by is None:
        ended_at, ended_how = None, ""
    elif ended_by.withdrawal is not None:
        ended_at, ended_how = ended_by.effective_at, ended_by.withdrawal.method_label
    else:
        ended_at, ended_how = ended_by.effective_at, "by a later refusal"
    return {
        "receipt_id": consent.receipt_id,
        "version": RECEIPT_VERSION,
        "jurisdiction": "United Kingdom (UK GDPR, Data Protection Act 2018)",
        "language": "English",
        "consent_timestamp": consent.decided_at,
        "recorded_timestamp": consent.recorded_at,
        "collection_method": consent.method_label,
        "recorded_by": consent.recorded_by.name if consent.recorded_by else "",
        "recorded_by_position": consent.recorded_by_position,
        "organisation": organisation_name,
        "principal_id": participant.atw_reference,
        "principal_name": participant.name,
        "controller": CONTROLLER,
        "notice_version": consent.notice.version,
        "notice_published_on": consent.notice.published_on,
        "service": "Access to Work Mental Health Support Service",
        "purpose_code": purpose.code,
        "purpose_name": purpose.name,
        "purpose_description": purpose.description,
        "consent_type": "Explicit",
        "decision": consent.decision_label,
        "data_categories": list(purpose.data_categories or []),
        "sensitive": any("health" in c.lower() for c in purpose.data_categories or []),
        "recipients": purpose.recipients,
        "termination": "Until you withdraw it",
        "state": state,
        "withdrawn_at": ended_at,
        "withdrawal_method": ended_how,
        "backdated_reason": consent.backdated_reason if consent.backdated else "",
        "how_to_withdraw": HOW_TO_WITHDRAW,
    }
