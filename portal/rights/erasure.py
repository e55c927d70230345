"""Erasure of a participant (UK GDPR Art. 17; DESIGN.md rules 7 and 10): the one
service that erases, used by the DPO's erasure workflow and by retention.

What happens to a participant's data:

- the participant row is anonymised in place (name, NI number, date of birth,
  contact, employment, GP and health details replaced or blanked); its id, status and
  dates stay, because contract figures already reported to DWP count it (retention
  duty), and because the rows below refer to it;
- every free-text field about them (case note versions, assessments, plan actions,
  appointments' places and reasons, consent words, out-of-hours notes and callbacks,
  letters, disclosures' summaries, change history...) is blanked; every stored file of
  theirs (consent evidence, GP letters, disclosure copies, access packages,
  portability exports) is deleted: which tables and fields, and which files, is the
  participant-data registry's (``portal.data_map``);
- then every text and JSON column of every table is searched for what identifies
  them (each part of the name, NI number raw and normalised, date of birth in ISO and
  UK forms, email, phone) and each occurrence replaced (notifications, outbox, job
  results, referral uploads, ooh logs, other people's notes that name them...).

Kept, and why (``erasure_plan`` shows it): the audit trail (ids only, rule 10); the
erasure request's own record (requester's name and contact, for accountability);
the anonymised skeleton of the record, consents and the disclosures register
(retention duty and legal claims). Nothing is erased while a legal hold stands.
Every erased episode leaves a ``Tombstone``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select

from portal import audit, clock, data_map, private_files
from portal.extensions import db
from portal.governance import legal_holds
from portal.models import Consent, Disclosure, LegalHold, Participant, Tombstone, User
from portal.models.rights import RightsRequest
from portal.rights.identifier_sweep import ERASED_DOB, identifiers, sweep_identifiers
from portal.stale import expire_relationships_to

# What erasure does to each table and stored file is the participant-data registry's
# (portal/data_map.py): the participant row's fields anonymised in place, the free
# text blanked in the rows that hang off them (structural columns, such as status,
# dates and codes, stay so that figures and histories still add up), the stored files
# deleted, and the tables the identifier sweep leaves alone.
PARTICIPANT_FIELDS = data_map.holding("participant").erasure.fields


class ErasureRefused(Exception):
    """Erasure cannot go ahead (a legal hold stands); ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class PlanItem:
    what: str
    count: int
    reason: str = ""


@dataclass
class ErasurePlan:
    participant_ids: list[int]
    erased: list[PlanItem] = field(default_factory=list)
    kept: list[PlanItem] = field(default_factory=list)
    hold: LegalHold | None = None

    @property
    def allowed(self) -> bool:
        return self.hold is None


def _episodes(participant: Participant) -> list[Participant]:
    """Every episode of the same person: the participant, and any other referral with
    the same NI number (a re-referral), so that erasing the person leaves no copy."""
    rows = [participant]
    if participant.ni_number:
        rows += list(
            db.session.scalars(
                select(Participant)
                .where(Participant.ni_number == participant.ni_number, Participant.id != participant.id)
                .order_by(Participant.id)
            )
        )
    return rows


def _count(table: str, ids: list[int]) -> int:
    query = data_map.rows_query(data_map.holding(table), ids)
    return db.session.scalar(select(sa.func.count()).select_from(query.subquery())) or 0


def _held(participants: list[Participant]) -> LegalHold | None:
    for p in participants:
        hold = legal_holds.active_hold(p)
        if hold is not None:
            return hold
    return None


def erasure_plan(participant: Participant) -> ErasurePlan:
    """What erasing ``participant`` would erase, and what must be kept and why
    (retention duty, legal claim, legal hold). Reads nothing personal."""
    episodes = _episodes(participant)
    ids = [p.id for p in episodes]
    plan = ErasurePlan(participant_ids=ids, hold=_held(episodes))
    plan.erased.append(
        PlanItem("Personal details (name, NI number, date of birth, contact, employment, GP, health)", len(ids))
    )
    for found in data_map.redacted():
        n = _count(found.table, ids)
        if n:
            plan.erased.append(PlanItem(f"Text of {found.table.replace('_', ' ')} records", n))
    files = sum(_count(kind.table, ids) for kind in data_map.FILE_KINDS)
    if files:
        plan.erased.append(PlanItem("Stored files (evidence, letters, copies, access packages, exports)", files))
    plan.erased.append(PlanItem("Mentions in notifications, emails, job results, uploads and other records", 0))
    if plan.hold is not None:
        plan.kept.append(
            PlanItem(
                "Everything: a legal hold stands",
                len(ids),
                f"Legal hold placed on {plan.hold.placed_at:%d/%m/%Y}, review on {plan.hold.review_on:%d/%m/%Y}",
            )
        )
    plan.kept.append(PlanItem("Audit trail", 0, "Holds ids only, never personal data (audit duty, rule 10)"))
    plan.kept.append(
        PlanItem(
            "Anonymised record: id, organisation, status and dates",
            len(ids),
            "Retention duty: counted in contract figures already reported to DWP",
        )
    )
    consents = _count(Consent.__tablename__, ids)
    if consents:
        plan.kept.append(
            PlanItem(
                "Consent records without the participant's words",
                consents,
                "Legal claim: shows what each sharing relied on",
            )
        )
    disclosures = _count(Disclosure.__tablename__, ids)
    if disclosures:
        plan.kept.append(
            PlanItem(
                "Disclosures register without summaries or copies",
                disclosures,
                "Legal claim and accountability: who received data, when and on what basis",
            )
        )
    requests = (
        db.session.scalar(
            select(sa.func.count()).select_from(RightsRequest).where(RightsRequest.participant_id.in_(ids))
        )
        or 0
    )
    if requests:
        plan.kept.append(
            PlanItem(
                "Rights requests: requester's name and contact",
                requests,
                "Accountability: the request and how it was answered",
            )
        )
    return plan


# ----------------------------------------------------------------------- identifiers


def _anonymise(participant: Participant) -> None:
    participant.first_name = "Erased"
    participant.last_name = f"participant {participant.id}"
    participant.date_of_birth = ERASED_DOB
    participant.ni_number = ""
    participant.atw_reference = f"ERASED-{participant.id}"
    for name in PARTICIPANT_FIELDS:
        if name not in ("first_name", "last_name", "date_of_birth", "ni_number", "atw_reference"):
            setattr(participant, name, "")
    participant.updated_at = clock.now()


def _delete_files(ids: list[int]) -> list[str]:
    """Delete every stored file of the participant (the registry's file kinds); the
    row goes with its file or keeps its place without the key."""
    fields: list[str] = []
    for kind in data_map.FILE_KINDS:
        model = data_map.model_of(kind.table)
        for row in db.session.scalars(select(model).where(model.participant_id.in_(ids))):
            deleted = False
            for key_name in kind.keys:
                key = getattr(row, key_name)
                if key:
                    private_files.delete(key)
                    deleted = True
                    if kind.erased_as is None:
                        fields.append(f"{kind.table}.{key_name}")
                if not kind.row_goes:
                    setattr(row, key_name, None)
            if deleted and kind.erased_as is not None:
                fields.append(kind.erased_as)
            if kind.row_goes:
                db.session.delete(row)
    db.session.flush()
    for kind in data_map.FILE_KINDS:
        if kind.row_goes:
            # a consent's loaded evidence, say, still lists them
            expire_relationships_to(db.metadata.tables[kind.table])
    return fields


def _user_id(user: User | int | None) -> int | None:
    if user is None or isinstance(user, int):
        return user
    return user.id


def erase_participant(
    participant: Participant,
    *,
    confirmed_by: User | int | None,
    basis: str,
    rights_request: RightsRequest | int | None = None,
    rule: str | None = None,
) -> Tombstone:
    """Erase ``participant`` (and their other episodes) across every table and stored
    file, in the caller's transaction (the caller commits), and leave a tombstone per
    episode; returns the participant's own. Refused (``ErasureRefused``) while a legal
    hold stands (rule 7). ``basis`` is ``rights_request`` or ``retention``."""
    if basis not in ("rights_request", "retention"):
        raise ValueError(f"unknown erasure basis {basis!r}")
    episodes = _episodes(participant)
    hold = _held(episodes)
    if hold is not None:
        raise ErasureRefused("A legal hold stands on this participant: nothing can be erased until it is lifted.")
    ids = [p.id for p in episodes]
    request_id = rights_request if isinstance(rights_request, int) or rights_request is None else rights_request.id
    terms = sorted({t for p in episodes for t in identifiers(p)}, key=len, reverse=True)
    fields = [f"participant.{name}" for name in PARTICIPANT_FIELDS]
    counts = {}
    for found in data_map.redacted():
        table = db.metadata.tables[found.table]
        replace = dict(found.erasure.replace)
        n = 0
        for row in db.session.scalars(data_map.rows_query(found, ids)):
            values = {column.key: getattr(row, column.key) for column in table.columns}
            for name in found.erasure.fields:
                if name in replace:
                    setattr(row, name, replace[name].format_map(values))
                else:
                    setattr(row, name, None if table.columns[name].nullable else "")
            n += 1
        if n:
            counts[found.table] = n
            fields += [f"{found.table}.{name}" for name in found.erasure.fields]
    fields += _delete_files(ids)
    for p in episodes:
        _anonymise(p)
    db.session.flush()
    fields += sweep_identifiers(terms, request_id)
    fields = sorted(set(fields))
    what = "participant record anonymised; text erased from " + (
        ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in sorted(counts.items())) or "no other records"
    )
    now = clock.now()
    confirmed_by_id = _user_id(confirmed_by)
    tombstones = []
    for p in episodes:
        tombstone = Tombstone(
            object_type="participant",
            object_id=str(p.id),
            what=what,
            fields=fields,
            erased_at=now,
            confirmed_by_id=confirmed_by_id,
            rights_request_id=request_id,
            basis=basis,
            rule=rule,
        )
        db.session.add(tombstone)
        db.session.flush()
        audit.record(
            "participant.erased",
            object_type="participant",
            object_id=p.id,
            participant_id=p.id,
            org_id=p.org_id,
            user_id=confirmed_by_id,
            detail={"tombstone_id": tombstone.id, "basis": basis, "rights_request_id": request_id, "rule": rule},
        )
        tombstones.append(tombstone)
    return tombstones[0]


def erase_for_request(request: RightsRequest, participant: Participant, user_id: int) -> Tombstone:
    """The DPO's erasure in answer to ``request``: ``erase_participant`` as one unit
    of work, committed with its audit events; refused (nothing changed) while a
    legal hold stands."""
    tombstone = erase_participant(participant, confirmed_by=user_id, basis="rights_request", rights_request=request)
    db.session.commit()
    return tombstone


def audit_plan_view(request: RightsRequest, participant: Participant, user_id: int) -> None:
    """Record that the DPO was shown the erasure page of ``participant`` and commit."""
    audit.record(
        "erasure.plan_viewed",
        object_type="rights_request",
        object_id=request.id,
        participant_id=participant.id,
        user_id=user_id,
        org_id=participant.org_id,
    )
    db.session.commit()


def tombstones_of(participant_id: int) -> list[Tombstone]:
    return list(
        db.session.scalars(
            select(Tombstone)
            .where(Tombstone.object_type == "participant", Tombstone.object_id == str(participant_id))
            .order_by(Tombstone.id)
        )
    )
