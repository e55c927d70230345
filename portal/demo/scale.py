"""Data at the size of the service, for measuring it (``flask seed-scale``; development and
test only): VRCs with caseloads of 200 to 400, one organisation holding about 40 % of the
participants, three years of referrals with about half the cases closed, and on average
``notes_per_participant`` notes (each with its first version), 3 appointments and 2
status changes a participant; ``heavy`` participants with ``heavy_notes`` notes each; and
``audit_events`` views of records by their VRCs on the hash chain, which verifies after.

Rows go in with set-based inserts (many rows a statement, ids returned in order), never
one ORM object at a time, so 100,000 participants take minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, func, insert, select

from portal import audit, clock
from portal.accounts.passwords import hash_password
from portal.demo import ORGANISATIONS
from portal.demo.words import FIRST_NAMES, LAST_NAMES, NOTES, OCCUPATIONS
from portal.extensions import db
from portal.models import (
    Appointment,
    AuditEvent,
    CaseNote,
    CaseNoteVersion,
    Membership,
    Organisation,
    Participant,
    StatusChange,
    User,
)
from portal.models.participant import CLOSED_STATUSES

CHUNK = 5000  # rows a statement
CASELOAD = 330  # participants a VRC, on average (200 to 400)
LARGEST_SHARE = 0.4  # of participants, in the largest organisation
YEARS = 3
SCALE_PASSWORD = "scale-portal-password-2026"


@dataclass
class ScaleReport:
    organisations: int = 0
    vrcs: int = 0
    participants: int = 0
    closed: int = 0
    notes: int = 0
    appointments: int = 0
    status_changes: int = 0
    audit_events: int = 0
    heavy_participant_ids: list[int] = field(default_factory=list)


def _chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert_returning_ids(table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for part in _chunks(rows):
        result = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), list(part))
        ids.extend(row.id for row in result)
    return ids


def _insert(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    for part in _chunks(rows):
        db.session.execute(insert(table), list(part))


def _organisations() -> list[Organisation]:
    """The demo's delivering organisations (made if missing), largest first."""
    existing = {o.slug: o for o in db.session.scalars(select(Organisation))}
    for slug, name, kind in ORGANISATIONS:
        if slug not in existing:
            existing[slug] = Organisation(slug=slug, name=name, kind=kind)
            db.session.add(existing[slug])
    db.session.flush()
    return [existing[slug] for slug, _, kind in ORGANISATIONS if kind in ("lead", "delivery")]


def _shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts``: the first gets LARGEST_SHARE, the rest evenly."""
    if parts == 1:
        return [total]
    first = round(total * LARGEST_SHARE)
    rest = total - first
    return [first] + [rest // (parts - 1) + (1 if k < rest % (parts - 1) else 0) for k in range(parts - 1)]


def _vrcs(org: Organisation, count: int, now: datetime, password_hash: str, run: str) -> list[int]:
    rows = [
        {
            "email": f"scale-{run}-{org.slug}-vrc{k + 1}@example.test",
            "name": f"{FIRST_NAMES[k % len(FIRST_NAMES)]} {LAST_NAMES[(k * 7) % len(LAST_NAMES)]}",
            "position": "Vocational Rehabilitation Consultant",
            "password_hash": password_hash,
            "active": True,
            "created_at": now,
            "dp_training_completed_on": now.date(),
        }
        for k in range(count)
    ]
    ids = _insert_returning_ids(User.__table__, rows)
    _insert(Membership.__table__, [{"user_id": i, "org_id": org.id, "role": "vrc"} for i in ids])
    return ids


def seed_scale(
    participants: int,
    notes_per_participant: int = 10,
    audit_events: int | None = None,
    heavy_notes: int = 0,
    heavy: int = 5,
    seed: int = 2026,
    progress: Callable[[str], None] = lambda message: None,
) -> ScaleReport:
    """Add ``participants`` participants (and everything above) to the database, and
    commit. ``audit_events``: by default 20 a participant."""
    rng = random.Random(seed)
    now = clock.now()
    today = now.date()
    report = ScaleReport()
    run = f"{seed}-{db.session.scalar(select(func.count(User.id))) or 0}"
    password_hash = hash_password(SCALE_PASSWORD)
    orgs = _organisations()
    report.organisations = len(orgs)
    participant_rows: list[dict[str, Any]] = []
    vrc_of: list[int] = []
    serial = db.session.scalar(select(func.count(Participant.id))) or 0
    for org, share in zip(orgs, _shares(participants, len(orgs)), strict=True):
        if not share:
            continue
        vrcs = _vrcs(org, max(1, round(share / CASELOAD)), now, password_hash, run)
        report.vrcs += len(vrcs)
        for k in range(share):
            serial += 1
            referred_at = now - timedelta(days=rng.randrange(YEARS * 365), minutes=rng.randrange(24 * 60))
            closed = rng.random() < 0.5 and referred_at < now - timedelta(days=60)
            status = rng.choice(CLOSED_STATUSES) if closed else ("active" if rng.random() < 0.9 else "referred")
            first_contact = referred_at + timedelta(days=rng.randrange(1, 15)) if status != "referred" else None
            closed_on = min(today, (referred_at + timedelta(days=rng.randrange(60, 400))).date()) if closed else None
            vrc = vrcs[k % len(vrcs)]
            vrc_of.append(vrc)
            participant_rows.append(
                {
                    "org_id": org.id,
                    "atw_reference": f"ATW-S{serial:07d}",
                    "first_name": FIRST_NAMES[serial % len(FIRST_NAMES)],
                    "last_name": f"{LAST_NAMES[(serial // len(FIRST_NAMES)) % len(LAST_NAMES)]}",
                    "date_of_birth": date(1960 + serial % 40, 1 + serial % 12, 1 + serial % 28),
                    "ni_number": f"SC{serial % 1000000:06d}A",
                    "occupation": OCCUPATIONS[serial % len(OCCUPATIONS)][0],
                    "employer": OCCUPATIONS[serial % len(OCCUPATIONS)][1],
                    "postcode": "LS1 4AP",
                    "status": status,
                    "status_changed_on": closed_on or (first_contact or referred_at).date(),
                    "closed_on": closed_on,
                    "closure_reason": "Scale data" if closed else "",
                    "assigned_vrc_id": vrc,
                    "referred_at": referred_at,
                    "allocated_at": referred_at + timedelta(hours=4),
                    "first_contact_at": first_contact,
                    "created_at": referred_at,
                    "updated_at": referred_at,
                }
            )
    ids = _insert_returning_ids(Participant.__table__, participant_rows)
    report.participants = len(ids)
    report.closed = sum(1 for row in participant_rows if row["closed_on"] is not None)
    progress(f"{report.participants} participants, {report.vrcs} VRCs")

    report.heavy_participant_ids = ids[:heavy] if heavy_notes else []
    heavy_ids = set(report.heavy_participant_ids)
    for start in range(0, len(ids), CHUNK):  # a chunk of participants at a time: memory stays flat
        _children(
            ids[start : start + CHUNK],
            participant_rows[start : start + CHUNK],
            vrc_of[start : start + CHUNK],
            notes_per_participant,
            heavy_notes,
            heavy_ids,
            rng,
            now,
            report,
        )
    progress(f"{report.notes} notes, {report.appointments} appointments")

    report.audit_events = _audit_views(
        ids, participant_rows, vrc_of, 20 * len(ids) if audit_events is None else audit_events, rng
    )
    progress(f"{report.audit_events} audit events")
    db.session.commit()
    return report


def _children(
    ids: list[int],
    rows: list[dict[str, Any]],
    vrcs: list[int],
    notes_per_participant: int,
    heavy_notes: int,
    heavy_ids: set[int],
    rng: random.Random,
    now: datetime,
    report: ScaleReport,
) -> None:
    """Status changes, appointments and notes (with their first versions) of ``ids``."""
    status_rows: list[dict[str, Any]] = []
    appointment_rows: list[dict[str, Any]] = []
    note_rows: list[dict[str, Any]] = []
    note_texts: list[str] = []
    for pid, row, vrc in zip(ids, rows, vrcs, strict=True):
        org_id, referred_at = row["org_id"], row["referred_at"]
        status_rows.append(
            {
                "org_id": org_id,
                "participant_id": pid,
                "status": "referred",
                "changed_on": referred_at.date(),
                "reason": "Referral received",
                "changed_by_id": None,
                "changed_at": referred_at,
            }
        )
        if row["status"] != "referred":
            status_rows.append(
                {
                    "org_id": org_id,
                    "participant_id": pid,
                    "status": row["status"],
                    "changed_on": row["status_changed_on"],
                    "reason": "Scale data",
                    "changed_by_id": vrc,
                    "changed_at": referred_at + timedelta(days=1),
                }
            )
        start = row["first_contact_at"] or referred_at
        for n in range(rng.randrange(1, 6)):
            starts_at = start + timedelta(days=14 * n, hours=1)
            past = starts_at < now
            appointment_rows.append(
                {
                    "org_id": org_id,
                    "participant_id": pid,
                    "starts_at": starts_at,
                    "duration_minutes": 45,
                    "channel": "phone",
                    "status": "attended" if past else "scheduled",
                    "outcome_recorded_at": starts_at + timedelta(hours=1) if past else None,
                    "created_by_id": vrc,
                    "created_at": referred_at,
                    "updated_by_id": vrc,
                    "updated_at": referred_at,
                }
            )
        count = heavy_notes if pid in heavy_ids else rng.randrange(2 * notes_per_participant + 1)
        for n in range(count):
            written = min(now, start + timedelta(days=n % 700, minutes=n))
            note_rows.append(
                {
                    "org_id": org_id,
                    "participant_id": pid,
                    "contact_date": written.date(),
                    "note_type": "phone",
                    "author_id": vrc,
                    "created_at": written,
                }
            )
            note_texts.append(NOTES[(pid + n) % len(NOTES)])
    _insert(StatusChange.__table__, status_rows)
    _insert(Appointment.__table__, appointment_rows)
    report.status_changes += len(status_rows)
    report.appointments += len(appointment_rows)
    note_ids = _insert_returning_ids(CaseNote.__table__, note_rows)
    _insert(
        CaseNoteVersion.__table__,
        [
            {
                "org_id": note["org_id"],
                "note_id": note_id,
                "number": 1,
                "text": text,
                "author_id": note["author_id"],
                "created_at": note["created_at"],
            }
            for note_id, note, text in zip(note_ids, note_rows, note_texts, strict=True)
        ],
    )
    report.notes += len(note_ids)


def _audit_views(ids: list[int], rows: list[dict[str, Any]], vrc_of: list[int], total: int, rng: random.Random) -> int:
    """``total`` views of records by their VRCs, appended to the hash chain in order."""
    if not ids or total <= 0:
        return 0
    audit.lock_chain()
    seq, prev_hash = audit.chain_head()
    now = clock.now()
    pending: list[dict[str, Any]] = []
    for n in range(total):
        k = rng.randrange(len(ids))
        seq += 1
        event = SimpleNamespace(
            seq=seq,
            at=now - timedelta(seconds=total - n),
            user_id=vrc_of[k],
            org_id=rows[k]["org_id"],
            action="participant.viewed",
            object_type="participant",
            object_id=str(ids[k]),
            participant_id=ids[k],
            detail={"view": "record"},
            request_id=None,
            source_address=None,
            outcome="ok",
        )
        digest = audit.event_hash(event, prev_hash)
        pending.append({**vars(event), "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
        if len(pending) == CHUNK:
            _insert(AuditEvent.__table__, pending)
            pending = []
    _insert(AuditEvent.__table__, pending)
    return total
