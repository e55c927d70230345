"""Contact with the participant's employer: a call, an email or a meeting.

The notice: "With your consent, the VRC might contact your employer to discuss the
obstacles you are experiencing, and provide guidance to them as to how they can
support you." Recording one needs the ``employer_contact`` consent live when the
contact happened, is refused while the record is restricted, and writes the
disclosure (what was shared, with whom, relying on that consent).
"""

from datetime import datetime

from sqlalchemy import select

from portal import audit, clock
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import consents, disclosures
from portal.extensions import db
from portal.models import EmployerContact, Participant
from portal.models.sharing import EMPLOYER_CONTACT_KINDS
from portal.validation import Invalid, Problems, clean_text

PURPOSE = "employer_contact"


def ensure_may_record(participant: Participant) -> None:
    """The form for a contact with the employer opens only while the record is not
    restricted and the employer-contact consent is live now; recording it checks
    both again, the consent at the moment of the contact."""
    _ensure_not_restricted(participant)
    consents.require_live_consent(participant, PURPOSE)


def _ensure_not_restricted(participant: Participant) -> None:
    ensure_not_restricted(participant, Action.EMPLOYER_CONTACT_RECORD, "contact with the employer")


def record_employer_contact(
    participant: Participant,
    kind: str,
    contacted_at: datetime | None,
    employer_name: str | None,
    contact_name: str | None,
    what_shared: str | None,
    data_categories: list[str] | None,
    user_id: int | None,
) -> EmployerContact:
    """Record a contact with the employer and what was shared (the disclosure)."""
    _ensure_not_restricted(participant)
    purpose = consents.purpose_by_code(PURPOSE)
    allowed = list(purpose.data_categories or []) if purpose else []
    problems = []
    if kind not in EMPLOYER_CONTACT_KINDS:
        problems.append(Invalid("Select how you were in contact", field="kind"))
    if contacted_at is None:
        problems.append(Invalid("Enter the date and time of the contact", field="contacted_on"))
    elif contacted_at > clock.now():
        problems.append(Invalid("The date and time of the contact must be now or in the past", field="contacted_on"))
    cleaned = {}
    for name, value, label, limit, required in (
        ("employer_name", employer_name, "the employer’s name", 200, True),
        ("contact_name", contact_name, "who you spoke to", 200, False),
        ("what_shared", what_shared, "what was shared", 5000, True),
    ):
        try:
            cleaned[name] = clean_text(value, label, limit, required=required)
        except Invalid as problem:
            problem.field = name
            problems.append(problem)
    chosen = [c for c in allowed if c in (data_categories or [])]
    if not chosen:
        problems.append(Invalid("Select the categories of information shared", field="data_categories"))
    if problems:
        raise Problems(problems)
    consent = consents.require_live_consent(participant, PURPOSE, at=contacted_at)
    employer_name, contact_name, what_shared = cleaned["employer_name"], cleaned["contact_name"], cleaned["what_shared"]
    contact = EmployerContact(
        org_id=participant.org_id,
        participant_id=participant.id,
        kind=kind,
        contacted_at=contacted_at,
        employer_name=employer_name,
        contact_name=contact_name,
        what_shared=what_shared,
        data_categories=chosen,
        consent_id=consent.id,
        recorded_by_id=user_id,
        recorded_at=clock.now(),
    )
    db.session.add(contact)
    db.session.flush()
    recipient = f"{employer_name} ({contact_name})" if contact_name else employer_name
    disclosure = disclosures.record_disclosure(
        participant,
        "employer",
        recipient,
        consent.purpose.name,
        chosen,
        summary=what_shared,
        consent=consent,
        method=EMPLOYER_CONTACT_KINDS[kind],
        disclosed_at=contacted_at,
        user_id=user_id,
        source="employer_contact",
        source_id=contact.id,
    )
    contact.disclosure_id = disclosure.id
    audit.record(
        "employer_contact.recorded",
        object_type="employer_contact",
        object_id=contact.id,
        participant_id=participant.id,
        user_id=user_id,
        detail={"kind": kind, "disclosure_id": disclosure.id},
    )
    db.session.commit()
    return contact


def employer_contacts_of(participant: Participant) -> list[EmployerContact]:
    return list(
        db.session.scalars(
            select(EmployerContact)
            .where(EmployerContact.org_id == participant.org_id, EmployerContact.participant_id == participant.id)
            .order_by(EmployerContact.contacted_at.desc(), EmployerContact.id.desc())
        )
    )
