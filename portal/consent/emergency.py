"""Emergency override: contacting the emergency services or the GP without consent.

DESIGN.md rule 3 and the notice: "We may contact the emergency services or your GP
to assist you ... in high-risk situations. Where possible this will be carried out
with your consent. However your consent may be overridden where we believe you are
a danger to yourself or others."

Who may: the participant's assigned VRC, or anyone holding a live out-of-hours
grant to the participant (an ``ooh`` worker or another VRC who passed the
verbal-consent check: ``participant_access.has_live_grant``). A written reason is
required; the disclosure relies on ``vital_interests``; the contact waits on the
DPO's review list (``/dpo/overrides``) until the DPO records a review. It is
allowed while the record is restricted (protecting a person, UK GDPR Art. 18(2)),
and flagged as such for the DPO.

The out-of-hours area calls ``record_emergency_contact`` from its own pages.
"""

from datetime import datetime

from sqlalchemy import select

from portal import audit, clock
from portal.access import participant_access
from portal.consent import disclosure_reviews, disclosures
from portal.extensions import db
from portal.models import EmergencyContact, Participant, User
from portal.models.disclosure import EMERGENCY_RECIPIENTS, REVIEW_OUTCOMES
from portal.notifications import notify
from portal.permissions import dpo_user_ids
from portal.validation import Invalid, Problems, clean_text

EMERGENCY_DATA_CATEGORIES = (
    "Name and contact details",
    "Address or where the participant is now",
    "Health and wellbeing information",
    "What the participant said about the risk",
)


class EmergencyContactNotAllowed(PermissionError):
    """The user is neither the assigned VRC nor holding a live out-of-hours grant."""


def may_make_emergency_contact(user: User | None, participant: Participant) -> str | None:
    """The capacity in which ``user`` may override consent for ``participant``
    (``"vrc"`` or ``"ooh"``), or None. Out-of-date training never may (rule 9)."""
    if user is None or not participant_access.training_current(user):
        return None
    roles = user.roles_in(participant.org_id)
    if "vrc" in roles and participant.assigned_vrc_id == user.id:
        return "vrc"
    if participant_access.has_live_grant(user, participant):
        if "vrc" in roles:
            return "vrc"
        if "ooh" in user.all_roles():
            return "ooh"
    return None


def record_emergency_contact(
    participant: Participant,
    user_id: int,
    recipient_type: str,
    recipient_name: str | None,
    reason: str | None,
    what_shared: str | None,
    data_categories: list[str] | None,
    contacted_at: datetime | None,
) -> EmergencyContact:
    """Record an emergency contact made without consent, and its disclosure under
    vital interests; it goes on the DPO's review list and the DPOs are notified."""
    user = db.session.get(User, user_id)
    made_as = may_make_emergency_contact(user, participant)
    if made_as is None:
        audit.record_and_commit(
            "emergency_contact.refused",
            object_type="participant",
            object_id=participant.id,
            participant_id=participant.id,
            user_id=user_id,
            outcome="refused",
        )
        raise EmergencyContactNotAllowed(participant.id)
    problems = []
    if recipient_type not in EMERGENCY_RECIPIENTS:
        problems.append(Invalid("Select who you contacted", field="recipient_type"))
    cleaned = {}
    for name, value, label, limit in (
        ("recipient_name", recipient_name, "who you spoke to, like ‘999 ambulance service’", 300),
        ("reason", reason, "why consent could not be asked for or was overridden", 5000),
        ("what_shared", what_shared, "what you shared", 5000),
    ):
        try:
            cleaned[name] = clean_text(value, label, limit, required=True)
        except Invalid as problem:
            problem.field = name
            problems.append(problem)
    chosen = [c for c in EMERGENCY_DATA_CATEGORIES if c in (data_categories or [])]
    if not chosen:
        problems.append(Invalid("Select the categories of information shared", field="data_categories"))
    if contacted_at is None:
        problems.append(Invalid("Enter the date and time of the contact", field="contacted_on"))
    elif contacted_at > clock.now():
        problems.append(Invalid("The date and time of the contact must be now or in the past", field="contacted_on"))
    if problems:
        raise Problems(problems)
    contact = EmergencyContact(
        org_id=participant.org_id,
        participant_id=participant.id,
        recipient_type=recipient_type,
        recipient_name=cleaned["recipient_name"],
        reason=cleaned["reason"],
        what_shared=cleaned["what_shared"],
        data_categories=chosen,
        contacted_at=contacted_at,
        made_by_id=user_id,
        made_as=made_as,
        made_while_restricted=participant.restricted,
        recorded_at=clock.now(),
    )
    db.session.add(contact)
    db.session.flush()
    disclosure = disclosures.record_disclosure(
        participant,
        recipient_type,
        cleaned["recipient_name"],
        "Emergency response in a high-risk situation",
        chosen,
        summary=cleaned["what_shared"],
        legal_basis="vital_interests",
        legal_basis_detail="Emergency contact without consent: a high-risk situation",
        method="Emergency contact",
        disclosed_at=contacted_at,
        user_id=user_id,
        source="emergency_contact",
        source_id=contact.id,
    )
    contact.disclosure_id = disclosure.id
    db.session.expire(contact, ["disclosure"])  # its joined relationship was loaded with the old value
    audit.record(
        "emergency_contact.recorded",
        object_type="emergency_contact",
        object_id=contact.id,
        participant_id=participant.id,
        user_id=user_id,
        org_id=participant.org_id,
        detail={
            "recipient_type": recipient_type,
            "made_as": made_as,
            "disclosure_id": disclosure.id,
            "restricted": participant.restricted,
        },
    )
    _notify_dpos(contact)
    db.session.commit()
    return contact


def _notify_dpos(contact: EmergencyContact) -> None:

    for dpo_id in dpo_user_ids():
        notify(
            dpo_id,
            "emergency_override",
            "An emergency contact was made without consent and waits for your review",
            f"/dpo/overrides/{contact.id}",
            email_subject="An emergency override waits for review",
        )


def awaiting_review() -> list[EmergencyContact]:
    """The DPO's review list: every override not yet reviewed, oldest first."""
    return list(
        db.session.scalars(
            select(EmergencyContact)
            .where(EmergencyContact.reviewed_at.is_(None))
            .order_by(EmergencyContact.contacted_at, EmergencyContact.id)
        )
    )


def reviewed(limit: int = 50) -> list[EmergencyContact]:
    return list(
        db.session.scalars(
            select(EmergencyContact)
            .where(EmergencyContact.reviewed_at.is_not(None))
            .order_by(EmergencyContact.reviewed_at.desc(), EmergencyContact.id.desc())
            .limit(limit)
        )
    )


def review_override(contact: EmergencyContact, outcome: str, notes: str | None, user_id: int) -> EmergencyContact:
    """The DPO's review: whether the override was appropriate, and notes. The
    contact then leaves the review list. A review is recorded once."""
    disclosure_reviews.record_review(contact, outcome, REVIEW_OUTCOMES, notes, user_id, "an emergency override")
    audit.record(
        "emergency_contact.reviewed",
        object_type="emergency_contact",
        object_id=contact.id,
        participant_id=contact.participant_id,
        user_id=user_id,
        org_id=contact.org_id,
        detail={"outcome": outcome},
    )
    db.session.commit()
    return contact


def emergency_contacts_of(participant: Participant) -> list[EmergencyContact]:
    return list(
        db.session.scalars(
            select(EmergencyContact)
            .where(EmergencyContact.org_id == participant.org_id, EmergencyContact.participant_id == participant.id)
            .order_by(EmergencyContact.contacted_at.desc())
        )
    )
