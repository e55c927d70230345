"""Allocation of participants to VRCs, one at a time or a whole caseload at once.

A team manager allocates each new referral to a VRC of their organisation and may
reallocate a participant, or every open case of a VRC (leave, a leaver), with a
reason. The VRC is told through a notification (ids only: emails leave the portal).
The first allocation time is kept, so the time from referral to allocation is known.
"""

from dataclasses import dataclass

from sqlalchemy import select

from portal import audit, clock
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework.participants import record_change
from portal.extensions import db
from portal.models import Membership, Organisation, Participant, User
from portal.models.participant import CLOSED_STATUSES
from portal.notifications import notify
from portal.referrals.referrals import path_for, tell_team_managers
from portal.stale import expire_rows
from portal.validation import Invalid, Problems, clean_text


def vrcs_of(org_id: int) -> list[User]:
    """The active VRCs of an organisation, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org_id, Membership.role == "vrc", User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def _vrc_of(org_id: int, vrc_id: str | int, field: str = "vrc") -> User:
    try:
        vrc_id = int(vrc_id)
    except (TypeError, ValueError):
        raise Problems([Invalid("Select a VRC", field=field)]) from None
    for vrc in vrcs_of(org_id):
        if vrc.id == vrc_id:
            return vrc
    raise Problems([Invalid("Select a VRC of this organisation", field=field)])


def _assign(participant: Participant, vrc: User, reason: str, user_id: int | None) -> None:
    previous = participant.assigned_vrc
    record_change(participant, "assigned_vrc", previous.name if previous else None, vrc.name, user_id, reason=reason)
    participant.assigned_vrc_id = vrc.id
    participant.assigned_vrc = vrc
    now = clock.now()
    if participant.allocated_at is None:
        participant.allocated_at = now
    participant.updated_at = now
    audit.record(
        "participant.reallocated" if previous else "participant.allocated",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        user_id=user_id,
        detail={"from_user_id": previous.id if previous else None, "to_user_id": vrc.id},
    )


def allocate(participant: Participant, vrc_id: str | int, reason: str, user_id: int | None) -> User:
    """Allocate ``participant`` to a VRC of its organisation, or reallocate it (a
    reason is then required). The VRC is notified. Commits."""
    ensure_not_restricted(participant, Action.PARTICIPANT_ALLOCATE, "allocating or reallocating the participant")
    problems = []
    if participant.closed:
        problems.append(Invalid("This case is closed: it cannot be allocated", field="vrc"))
    reallocating = participant.assigned_vrc_id is not None
    try:
        reason = clean_text(reason, "the reason for reallocating", 500, required=reallocating)
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    try:
        vrc = _vrc_of(participant.org_id, vrc_id)
    except Problems as refused:
        problems.extend(refused.problems)
        vrc = None
    if vrc is not None and vrc.id == participant.assigned_vrc_id:
        problems.append(Invalid(f"This participant is already allocated to {vrc.name}", field="vrc"))
    if problems:
        raise Problems(problems)
    assert vrc is not None  # else a problem was raised above
    _assign(participant, vrc, reason, user_id)

    org = db.session.get(Organisation, participant.org_id)
    assert org is not None  # participant.org_id is a foreign key to the organisation
    notify(
        vrc.id,
        "participant.allocated",
        f"Participant {participant.id} has been allocated to you",
        path_for("participants.record", org=org.slug, participant_id=participant.id),
        email_subject="A participant has been allocated to you",
    )
    db.session.commit()
    return vrc


@dataclass
class CaseloadMove:
    moved: int
    restricted_left: int
    to_vrc: User


def reallocate_caseload(
    org: Organisation, from_vrc_id: str | int, to_vrc_id: str | int, reason: str, user_id: int | None
) -> CaseloadMove:
    """Move every open case of one VRC to another (leave, a leaver), with a reason.

    Restricted records are frozen (rule 5): they stay where they are and are counted,
    so the team manager can ask the DPO. The receiving VRC gets one notification.
    """
    problems = []
    try:
        from_vrc = _vrc_of(org.id, from_vrc_id, field="from_vrc")
    except Problems as refused:
        problems.extend(refused.problems)
        from_vrc = None
    try:
        to_vrc = _vrc_of(org.id, to_vrc_id, field="to_vrc")
    except Problems as refused:
        problems.extend(refused.problems)
        to_vrc = None
    if from_vrc and to_vrc and from_vrc.id == to_vrc.id:
        problems.append(Invalid("Select a different VRC to take over the caseload", field="to_vrc"))
    try:
        reason = clean_text(reason, "the reason for reallocating", 500, required=True)
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    assert from_vrc is not None and to_vrc is not None  # else a problem was raised above
    cases = db.session.scalars(
        select(Participant)
        .where(
            Participant.org_id == org.id,
            Participant.assigned_vrc_id == from_vrc.id,
            Participant.status.not_in(CLOSED_STATUSES),
        )
        .order_by(Participant.id)
    ).all()
    if not cases:
        raise Problems([Invalid(f"{from_vrc.name} has no open cases to reallocate", field="from_vrc")])
    moved = restricted = 0
    for participant in cases:
        if participant.restricted:
            restricted += 1
            continue
        _assign(participant, to_vrc, reason, user_id)
        moved += 1
    if moved:
        notify(
            to_vrc.id,
            "caseload.reallocated",
            f"{moved} participant{'s have' if moved != 1 else ' has'} been reallocated to you",
            path_for("caseload.mine", org=org.slug),
            email_subject="Participants have been reallocated to you",
        )
    db.session.commit()
    return CaseloadMove(moved, restricted, to_vrc)


# Tables whose rows keep the organisation they were recorded under when a referral moves.
KEPT_AS_RECEIVED = ("audit", "rights_", "api_")


def partners_to_pass_to(participant: Participant) -> list[Organisation]:
    """The other delivering organisations a lead-partner referral may be passed to."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_(("lead", "delivery")), Organisation.id != participant.org_id)
            .order_by(Organisation.name)
        )
    )


def may_pass_on(participant: Participant) -> bool:
    """Only a referral waiting, unallocated, in the lead partner's queue can be passed on
    (a postcode outside every contract area lands there)."""
    org = db.session.get(Organisation, participant.org_id)
    return (
        org is not None
        and org.kind == "lead"
        and participant.status == "referred"
        and participant.assigned_vrc_id is None
    )


def pass_to_partner(participant: Participant, org_id: str | int, reason: str, user_id: int | None) -> Organisation:
    """Pass an unallocated referral from the lead partner's queue to a delivery partner.

    Every row describing the participant carries the organisation's id, so each moves
    with it, except the records kept as they were for accountability: the audit trail
    (append-only), rights requests and API submissions as received. The receiving
    team managers are told; the change is kept in the record's history. Commits.
    """
    ensure_not_restricted(participant, Action.PARTICIPANT_ALLOCATE, "passing the referral to another partner")
    if not may_pass_on(participant):
        raise Problems(
            [Invalid("Only an unallocated referral in the lead partner’s queue can be passed on", field="organisation")]
        )
    problems = []
    target = None
    try:
        target_id = int(org_id)
    except (TypeError, ValueError):
        target_id = None
    for org in partners_to_pass_to(participant):
        if org.id == target_id:
            target = org
    if target is None:
        problems.append(Invalid("Select the partner to pass the referral to", field="organisation"))
    try:
        reason = clean_text(reason, "the reason for passing the referral on", 500, required=True)
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    assert target is not None  # else a problem was raised above
    source = db.session.get(Organisation, participant.org_id)
    assert source is not None  # participant.org_id is a foreign key to the organisation
    record_change(participant, "organisation", source.name, target.name, user_id, reason=reason)
    db.session.flush()
    for table in db.metadata.sorted_tables:
        columns = table.c
        if table.name.startswith(KEPT_AS_RECEIVED) or "participant_id" not in columns or "org_id" not in columns:
            continue
        db.session.execute(table.update().where(columns.participant_id == participant.id).values(org_id=target.id))
        expire_rows(table, columns=[columns.org_id])  # a Core UPDATE leaves the session's copies stale
    participant.org_id = target.id
    participant.updated_at = clock.now()
    audit.record(
        "participant.passed_on",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        org_id=target.id,
        user_id=user_id,
        detail={"from_org_id": source.id, "to_org_id": target.id},
    )

    tell_team_managers(target, participant)
    db.session.commit()
    return target
