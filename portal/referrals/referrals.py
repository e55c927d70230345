"""Referrals in from Access to Work: checked, routed by contract area, linked to an
earlier episode when the person comes back.

A referral carries name, date of birth, NI number, contact details, occupation,
employer, the health and wellbeing information given, and the AtW reference, which is
unique across the whole service. It goes to the organisation delivering in its
postcode area; an unmapped area waits in the lead partner's unallocated queue. A
reference (or an open case for the same NI number) already held by another
organisation is refused as "already referred", never saying where (DESIGN.md:
not found, not forbidden).
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock, participant_fields
from portal.extensions import db
from portal.models import Membership, Organisation, Participant, StatusChange, User
from portal.models.participant import CLOSED_STATUSES
from portal.notifications import notify
from portal.referrals.contract_areas import org_for_postcode
from portal.validation import Invalid, Problems

REFERRAL_FIELDS = (
    "atw_reference",
    "first_name",
    "last_name",
    "date_of_birth",
    "ni_number",
    "email",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "occupation",
    "employer",
    "health_information",
)
ALREADY_REFERRED = "This person has already been referred"


@dataclass
class TakenIn:
    participant: Participant
    org: Organisation
    re_referral: bool


def lead_partner() -> Organisation:
    org = db.session.scalars(select(Organisation).where(Organisation.kind == "lead")).first()
    if org is None:
        raise RuntimeError("no lead partner organisation: referrals cannot be routed")
    return org


def route(postcode: str) -> Organisation:
    """The delivering organisation for a postcode (contract areas), or the lead
    partner, whose unallocated queue holds referrals from unmapped areas."""

    return org_for_postcode(postcode) or lead_partner()


def _duplicate_problem(cleaned: dict[str, Any], taken_in_by: Organisation) -> Invalid | None:
    held = db.session.scalars(
        select(Participant.org_id).where(Participant.atw_reference == cleaned["atw_reference"])
    ).first()
    if held is not None:
        if held == taken_in_by.id:
            return Invalid(
                "This Access to Work reference is already on your organisation’s caseload", field="atw_reference"
            )
        return Invalid(f"{ALREADY_REFERRED}: the Access to Work reference is already in use", field="atw_reference")
    open_case = db.session.scalars(
        select(Participant.org_id).where(
            Participant.ni_number == cleaned["ni_number"], Participant.status.not_in(CLOSED_STATUSES)
        )
    ).first()
    if open_case is not None:
        if open_case == taken_in_by.id:
            return Invalid("This person already has an open case on your organisation’s caseload", field="ni_number")
        return Invalid(f"{ALREADY_REFERRED}: their case is still open", field="ni_number")
    return None


def previous_episode(ni_number: str) -> Participant | None:
    """The most recent closed case of the same person (same NI number), if any."""
    return db.session.scalars(
        select(Participant)
        .where(Participant.ni_number == ni_number, Participant.status.in_(CLOSED_STATUSES))
        .order_by(Participant.closed_on.desc(), Participant.id.desc())
        .limit(1)
    ).first()


def take_in(raw: dict[str, Any], *, taken_in_by: Organisation, user_id: int | None, commit: bool = True) -> TakenIn:
    """Check a referral, route it and create the participant (status ``referred``).

    Raises ``validation.Problems`` for bad or duplicate input (nothing of it is kept).
    The team managers of the receiving organisation are told a referral is waiting.
    Commits, unless ``commit`` is false: then the caller commits the participant
    together with its own record of it (an upload's line for the row), so a crash
    between the two can never keep one without the other.
    """
    cleaned = participant_fields.clean(raw, REFERRAL_FIELDS)
    duplicate = _duplicate_problem(cleaned, taken_in_by)
    if duplicate:
        raise Problems([duplicate])
    org = route(cleaned["postcode"])
    earlier = previous_episode(cleaned["ni_number"])
    now = clock.now()
    participant = Participant(
        org_id=org.id,
        status="referred",
        status_changed_on=clock.today(),
        referred_at=now,
        taken_in_by_org_id=taken_in_by.id,
        previous_episode_id=earlier.id if earlier else None,
        created_at=now,
        updated_at=now,
        **cleaned,
    )
    db.session.add(participant)
    try:
        db.session.flush()
    except IntegrityError:  # the same reference, taken in at the same moment elsewhere
        db.session.rollback()
        raise Problems(
            [Invalid(f"{ALREADY_REFERRED}: the Access to Work reference is already in use", field="atw_reference")]
        ) from None
    db.session.add(
        StatusChange(
            org_id=org.id,
            participant_id=participant.id,
            status="referred",
            changed_on=clock.today(),
            reason="Re-referral after an earlier closed case" if earlier else "Referral received",
            changed_by_id=user_id,
            changed_at=now,
        )
    )
    audit.record(
        "participant.referred",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        org_id=org.id,
        user_id=user_id,
        detail={
            "taken_in_by_org_id": taken_in_by.id,
            "re_referral": earlier is not None,
            "previous_episode_id": earlier.id if earlier else None,
        },
    )
    tell_team_managers(org, participant)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return TakenIn(participant, org, earlier is not None)


def tell_team_managers(org: Organisation, participant: Participant) -> None:

    managers = db.session.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id, Membership.role == "team_manager", User.active.is_(True))
    ).all()
    link = path_for("caseload.unallocated", org=org.slug)
    for manager_id in managers:
        notify(
            manager_id,
            "referral.new",
            f"Referral {participant.id} is waiting to be allocated to a VRC",
            link,
            email_subject="A new referral is waiting to be allocated",
        )


def path_for(endpoint: str, **values: object) -> str:
    """A portal path for a notification link, inside or outside a request (jobs)."""
    return current_app.url_map.bind("portal").build(endpoint, values)
