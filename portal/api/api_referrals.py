"""Referrals from Access to Work through the API: the casework intake, made idempotent.

A referral arrives as a JSON object with the casework fields under their snake_case
names. It is checked against the Referral schema the API describes
(``referral_schema``, built from the casework rules), then by the same rules as the
referral form (``participant_fields``)
and taken in by the same service (``referrals.take_in``: routed by postcode area,
re-referrals linked, team managers told). Idempotency is per client and AtW
reference: the same body again answers with the referral already made; a different body
under a reference already used is a conflict, as is a reference (or an open case for
the NI number) that the service already holds from elsewhere (never saying where).

The client's claim on a reference is committed before the intake runs, so a request
that dies half-way (or two identical requests at once) still ends with one referral,
linked to its claim the next time the body is sent.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import clock, participant_fields
from portal.extensions import db
from portal.models import ApiClient, ApiReferral, Appointment, Organisation, Participant
from portal.referrals import referral_schema, referrals
from portal.validation import Invalid, Problems, clean_atw_reference

FIELDS = referral_schema.FIELDS
STATUSES = ("received", "allocated", "started", "closed", "withheld")


class Conflict(Exception):
    """The reference is already used by a different referral (409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Received:
    referral: ApiReferral
    participant: Participant
    created: bool


def body_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def check(body: object) -> dict[str, Any]:
    """The cleaned referral, or ``Problems`` naming every field that is wrong: first the
    Referral schema the API describes (``referral_schema``), then the casework cleaners."""
    problems = referral_schema.problems(body)
    if problems:
        raise Problems(problems)
    assert isinstance(body, dict)  # the Referral schema accepts JSON objects only
    return participant_fields.clean(body, FIELDS)


def receive(client: ApiClient, body: object) -> Received:
    """Take a referral in from ``client``, once. Raises ``Problems`` (422) or ``Conflict`` (409)."""
    check(body)
    assert isinstance(body, dict)  # check() refuses anything but a JSON object
    reference = clean_atw_reference(body["atw_reference"])
    digest = body_hash(body)
    claim = _claim_of(client, reference)
    if claim is not None:
        if claim.body_sha256 != digest:
            raise Conflict("A different referral has already been sent with this Access to Work reference")
        if claim.participant_id is not None:
            participant = db.session.get(Participant, claim.participant_id)
            assert participant is not None  # the claim's participant (a foreign key)
            return Received(claim, participant, created=False)
    else:
        claim = ApiReferral(client_pk=client.id, atw_reference=reference, body_sha256=digest, created_at=clock.now())
        db.session.add(claim)
        try:
            db.session.commit()
        except IntegrityError:  # the same reference from this client at the same moment
            db.session.rollback()
            return receive(client, body)
    return _take_in(client, claim, body)


def _claim_of(client: ApiClient, reference: str) -> ApiReferral | None:
    return db.session.scalars(
        select(ApiReferral).where(ApiReferral.client_pk == client.id, ApiReferral.atw_reference == reference)
    ).first()


def _take_in(client: ApiClient, claim: ApiReferral, body: dict[str, Any]) -> Received:
    claim_id = claim.id
    org = db.session.get(Organisation, client.org_id)
    assert org is not None  # the client's organisation (a foreign key)
    try:
        taken = referrals.take_in(body, taken_in_by=org, user_id=None)
    except Problems as problems:
        db.session.rollback()
        reloaded = db.session.get(ApiReferral, claim_id)
        assert reloaded is not None  # the claim was committed before the intake ran
        claim = reloaded
        duplicate = any(p.message.startswith(referrals.ALREADY_REFERRED) for p in problems.problems)
        if duplicate:
            mine = _taken_in_for(claim, client)
            if mine is not None:
                return _link(claim, mine, created=False)
        db.session.delete(claim)
        db.session.commit()
        if duplicate:
            raise Conflict(
                f"{referrals.ALREADY_REFERRED}: the Access to Work reference or the open case is "
                "already held by the service"
            ) from problems
        raise
    reloaded = db.session.get(ApiReferral, claim_id)
    assert reloaded is not None  # the claim was committed before the intake ran
    return _link(reloaded, taken.participant, created=True)


def _taken_in_for(claim: ApiReferral, client: ApiClient) -> Participant | None:
    """The participant an earlier, interrupted run of this claim created, if any."""
    return db.session.scalars(
        select(Participant).where(
            Participant.atw_reference == claim.atw_reference,
            Participant.taken_in_by_org_id == client.org_id,
            Participant.created_at >= claim.created_at,
        )
    ).first()


def _link(claim: ApiReferral, participant: Participant, created: bool) -> Received:
    claim.participant_id = participant.id
    claim.org_id = participant.org_id
    db.session.commit()
    return Received(claim, participant, created)


def referral_of(client: ApiClient, atw_reference: str) -> tuple[ApiReferral, Participant] | None:
    """The referral this client sent under the reference, or None (another client's
    referral, or one it never sent, is not found either way)."""
    try:
        reference = clean_atw_reference(atw_reference)
    except Invalid:
        return None
    claim = _claim_of(client, reference)
    if claim is None or claim.participant_id is None:
        return None
    participant = db.session.get(Participant, claim.participant_id)
    assert participant is not None  # the claim's participant (a foreign key)
    return claim, participant


def status_of(participant: Participant) -> tuple[str, str | None]:
    """(status, the date it started) for the sender: received, allocated, started (the
    first attended appointment), closed; ``withheld`` while processing is restricted
    (rule 5: no individual reporting)."""
    if participant.restricted:
        return "withheld", None
    if participant.closed:
        return "closed", participant.closed_on.isoformat() if participant.closed_on else None
    first_attended = db.session.scalars(
        select(Appointment.starts_at)
        .where(
            Appointment.org_id == participant.org_id,
            Appointment.participant_id == participant.id,
            Appointment.status == "attended",
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    ).first()
    if first_attended is not None:
        return "started", clock.local(first_attended).date().isoformat()
    if participant.allocated_at is not None:
        return "allocated", clock.local(participant.allocated_at).date().isoformat()
    return "received", clock.local(participant.referred_at).date().isoformat()
