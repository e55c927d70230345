"""Legal holds on participants (DESIGN.md rule 7): while a hold stands, neither the
retention destroyers nor the erasure service touch the participant's records."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal import audit, clock
from portal.extensions import db
from portal.models import Organisation, Participant, User
from portal.models.retention import LegalHold


class HoldError(ValueError):
    pass


def _participant_id(participant: Participant | int) -> int:
    return participant if isinstance(participant, int) else participant.id


def active_hold(participant: Participant | int) -> LegalHold | None:
    """The standing (not lifted) hold on a participant (object or id), newest first."""
    return db.session.scalars(
        select(LegalHold)
        .where(LegalHold.participant_id == _participant_id(participant), LegalHold.lifted_at.is_(None))
        .order_by(LegalHold.id.desc())
        .limit(1)
    ).first()


def held_participant_ids() -> set[int]:
    return set(db.session.scalars(select(LegalHold.participant_id).where(LegalHold.lifted_at.is_(None))))


def holds(include_lifted: bool = True) -> list[LegalHold]:
    query = select(LegalHold).order_by(LegalHold.lifted_at.is_not(None), LegalHold.placed_at.desc())
    if not include_lifted:
        query = query.where(LegalHold.lifted_at.is_(None))
    return list(db.session.scalars(query))


@dataclass
class HoldsList:
    holds: list[LegalHold]
    participants: dict[int, Participant]
    orgs: dict[int, Organisation]


def view_holds() -> HoldsList:
    """Every hold (standing ones first) with its participant and organisation. The look
    is audited naming each participant shown (rule 1); a list naming nobody is not."""
    found = holds()
    participants = {
        p.id: p
        for p in db.session.scalars(select(Participant).where(Participant.id.in_({h.participant_id for h in found})))
    }
    orgs = {o.id: o for o in db.session.scalars(select(Organisation))}
    if participants:
        audit.record("legal_hold.list", object_type="legal_hold", detail={"participant_ids": sorted(participants)})
        db.session.commit()
    return HoldsList(found, participants, orgs)


def participant_with_reference(atw_reference: str) -> Participant | None:
    """The participant a hold is placed on, by Access to Work reference (any organisation:
    the DPO's holds are service-wide); spaces and case are ignored."""
    reference = "".join((atw_reference or "").split()).upper()
    if not reference:
        return None
    return db.session.scalar(select(Participant).where(Participant.atw_reference == reference))


def place_hold(participant: Participant, *, reason: str, review_on: date, placed_by: User) -> LegalHold:
    """Place a hold on a participant with none standing; the hold and its event commit together."""
    if active_hold(participant):
        raise HoldError("This participant already has a legal hold.")
    hold = LegalHold(
        participant_id=participant.id,
        org_id=participant.org_id,
        reason=reason.strip(),
        placed_by_id=placed_by.id,
        placed_at=clock.now(),
        review_on=review_on,
    )
    db.session.add(hold)
    db.session.flush()
    audit.record(
        "legal_hold.place",
        object_type="legal_hold",
        object_id=str(hold.id),
        user_id=placed_by.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        detail={"review_on": review_on.isoformat()},
    )
    db.session.commit()
    return hold


def lift_hold(hold: LegalHold, *, lifted_by: User, reason: str = "") -> LegalHold:
    """Lift a standing hold; the change and its event commit together."""
    if hold.lifted_at is not None:
        raise HoldError("This legal hold has already been lifted.")
    hold.lifted_at = clock.now()
    hold.lifted_by_id = lifted_by.id
    db.session.expire(hold, ["lifted_by"])  # its joined relationship was loaded with the old value
    hold.lift_reason = reason.strip()
    db.session.flush()
    audit.record(
        "legal_hold.lift",
        object_type="legal_hold",
        object_id=str(hold.id),
        user_id=lifted_by.id,
        participant_id=hold.participant_id,
        org_id=hold.org_id,
    )
    db.session.commit()
    return hold
