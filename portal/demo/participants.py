"""Demo participants: 32 per delivering organisation, at every stage of the programme.

Deterministic and idempotent (keyed by AtW reference): running the seed twice adds
nothing. NI numbers use prefixes HMRC issues (fake, never real people's) and postcodes
lie in the organisation's demo contract areas. Per organisation: four referrals waiting
for allocation (one a re-referral), four new allocations, eighteen active cases with
assessments, plans, notes, appointments and milestones, three completed, one left early,
one withdrawn, and one active case whose processing is restricted.
"""

from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import select

from portal import clock
from portal.demo.histories import add_history
from portal.demo.words import FIRST_NAMES, HEALTH, LAST_NAMES, OCCUPATIONS
from portal.extensions import db
from portal.models import Organisation, Participant, User

PER_ORG = 32
DELIVERING = ("ingeus", "h2e", "case-uk", "salus", "tbhg")
_AREAS = {
    "ingeus": ("E", "N", "SE", "SW", "W", "NW"),
    "h2e": ("LS", "BD", "HX", "M", "S", "WF"),
    "case-uk": ("B", "CV", "NG", "LE", "DE"),
    "salus": ("CF", "SA", "BS", "EX", "PL"),
    "tbhg": ("EH", "G", "NE", "AB", "DD"),
}
_TOWNS = {"ingeus": "London", "h2e": "Leeds", "case-uk": "Birmingham", "salus": "Cardiff", "tbhg": "Edinburgh"}
_NI_PREFIXES = ("AB", "CE", "GH", "JK", "LM", "NP", "RS", "TW", "XY", "ZA", "BJ", "HE")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _fake_ni(org_index: int, i: int) -> str:
    prefix = _NI_PREFIXES[(org_index * 5 + i) % len(_NI_PREFIXES)]
    return f"{prefix}{org_index:01d}{i:05d}{'ABCD'[i % 4]}"


def _postcode(slug: str, i: int) -> str:
    area = _AREAS[slug][i % len(_AREAS[slug])]
    district = 1 + (i * 7) % 9
    letters = _INWARD_LETTERS[(i * 3) % 20] + _INWARD_LETTERS[(i * 11 + 5) % 20]
    return f"{area}{district} {(i * 5) % 10}{letters}"


def seed_participants(orgs: dict[str, Organisation]) -> None:
    """Add whatever demo participants are missing (idempotent)."""
    for org_index, slug in enumerate(DELIVERING, start=1):
        org = orgs.get(slug)
        if org is None:
            continue
        vrcs = [db.session.scalars(select(User).where(User.email == f"vrc{n}@{slug}.example")).first() for n in (1, 2)]
        if None in vrcs:
            continue
        found = cast("list[User]", vrcs)  # both VRCs: checked just above
        existing = set(db.session.scalars(select(Participant.atw_reference).where(Participant.org_id == org.id)))
        created = {}
        for i in range(PER_ORG):
            ref = _reference(slug, i)
            if ref in existing:
                continue
            created[i] = _participant(org, org_index, slug, i, found[i % 2])
        if created:
            db.session.flush()
            for i, participant in created.items():
                add_history(org, participant, i, found[i % 2])
            # A re-referral: the person who left early (29) was referred again (3).
            if 3 in created and 29 in created:
                created[3].ni_number = created[29].ni_number
                created[3].previous_episode_id = created[29].id
        db.session.commit()


def _reference(slug: str, i: int) -> str:
    return f"AW-{slug.upper()}-{i + 1:03d}"


def _state(i: int) -> str:
    if i < 4:
        return "waiting"
    if i < 8:
        return "new"
    if i < 26 or i == 31:
        return "active"
    return {26: "completed", 27: "completed", 28: "completed", 29: "left_early", 30: "withdrawn"}[i]


def _participant(org: Organisation, org_index: int, slug: str, i: int, vrc: User) -> Participant:
    now = clock.now()
    state = _state(i)
    days = {
        "waiting": 1 + i,
        "new": 3 + i,
        "active": 30 + 9 * i,
        "completed": 250 + i,
        "left_early": 120,
        "withdrawn": 60,
    }[state]
    referred_at = now - timedelta(days=days, hours=i % 5)
    allocated = state != "waiting"
    contacted = state not in ("waiting", "new")
    occupation, employer = OCCUPATIONS[(i + org_index) % len(OCCUPATIONS)]
    first = FIRST_NAMES[(i + org_index * 3) % len(FIRST_NAMES)]
    last = LAST_NAMES[(i * 5 + org_index) % len(LAST_NAMES)]
    status = {"waiting": "referred", "new": "referred", "active": "active"}.get(state, state)
    closed_on = (
        clock.local(referred_at + timedelta(days=days - 5)).date()
        if state in ("completed", "left_early", "withdrawn")
        else None
    )
    participant = Participant(
        org_id=org.id,
        atw_reference=_reference(slug, i),
        first_name=first,
        last_name=last,
        date_of_birth=date(1962 + (i * 7 + org_index) % 40, 1 + i % 12, 1 + (i * 3) % 28),
        gender=("Female", "Male", "Non-binary", "")[i % 4],
        family_circumstances=("Lives with partner and two children", "Lives alone", "Carer for a parent", "")[i % 4],
        ni_number=_fake_ni(org_index, i),
        email=f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.com",
        phone=f"07700900{(org_index * 100 + i) % 1000:03d}",
        address_line_1=f"{10 + i} {('Mill', 'Park', 'Church', 'Station')[i % 4]} Road",
        town=_TOWNS[slug],
        postcode=_postcode(slug, i),
        preferred_channel=("phone", "email", "text")[i % 3],
        safe_to_call_at_work=i % 3 == 0,
        times_to_avoid=("", "Weekday mornings", "After 6pm")[i % 3],
        occupation=occupation,
        employer=employer,
        employer_contact=f"HR team, {employer}",
        gp_practice_name=f"{_TOWNS[slug]} Road Surgery",
        gp_practice_address=f"1 Health Way, {_TOWNS[slug]}",
        health_information=HEALTH[(i + org_index) % len(HEALTH)],
        status=status,
        status_changed_on=closed_on or clock.local(referred_at + timedelta(days=3 if contacted else 0)).date(),
        closed_on=closed_on,
        closure_reason={
            "completed": "Goals met; staying in work",
            "left_early": "Moved out of the area",
            "withdrawn": "No longer wants support",
        }.get(state, ""),
        assigned_vrc_id=vrc.id if allocated else None,
        referred_at=referred_at,
        allocated_at=referred_at + timedelta(days=1) if allocated else None,
        first_contact_at=referred_at + timedelta(days=3) if contacted else None,
        restricted=i == 31,
        restriction_reason="Participant disputes the accuracy of their record" if i == 31 else "",
        restricted_at=now if i == 31 else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(participant)
    return participant


def participants_document() -> dict[str, Any]:
    """For ``seed-demo --json``: every demo participant with its organisation, VRC
    (email) and the details a browser test or a demonstration needs to find them."""
    rows = db.session.execute(
        select(
            Participant.id,
            Organisation.slug,
            User.email,
            Participant.first_name,
            Participant.last_name,
            Participant.date_of_birth,
            Participant.postcode,
            Participant.atw_reference,
            Participant.status,
        )
        .join(Organisation, Organisation.id == Participant.org_id)
        .outerjoin(User, User.id == Participant.assigned_vrc_id)
        .where(Participant.atw_reference.like("AW-%"))
        .order_by(Organisation.slug, Participant.id)
    ).all()
    return {
        "participants": [
            {
                "id": r.id,
                "org": r.slug,
                "assigned_vrc": r.email,
                "name": f"{r.first_name} {r.last_name}",
                "date_of_birth": r.date_of_birth.isoformat(),
                "postcode": r.postcode,
                "atw_reference": r.atw_reference,
                "status": r.status,
            }
            for r in rows
        ]
    }
