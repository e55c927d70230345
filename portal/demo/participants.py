"""Demo participants: 32 per delivering organisation, at every stage of the programme.

Deterministic and idempotent (keyed by AtW reference): running the seed twice adds
nothing. NI numbers use prefixes HMRC issues (fake, never real people's) and postcodes
lie in the organisation's demo contract areas. Per organisation: four referrals waiting
for allocation (one a re-referral), four new allocations, eighteen active cases with
assessments, plans, notes, appointments and milestones, three completed, one left early,
one withdrawn, and one active case whose processing is restricted.
"""

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentReschedule,
    Assessment,
    CaseNote,
    CaseNoteVersion,
    Milestone,
    Organisation,
    Participant,
    StatusChange,
    SupportPlanAction,
    User,
)

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
_FIRST = [
    "Aisha",
    "Ben",
    "Carys",
    "Daniel",
    "Ebony",
    "Farhan",
    "Gemma",
    "Hamza",
    "Imogen",
    "Jamal",
    "Kerry",
    "Liam",
    "Maryam",
    "Nathan",
    "Olivia",
    "Pawel",
    "Rosie",
    "Samir",
    "Tanya",
    "Usman",
    "Vicky",
    "Wes",
    "Yasmin",
    "Zoe",
    "Adel",
    "Bethan",
    "Conor",
    "Delia",
    "Elif",
    "Fraser",
    "Gita",
    "Hollie",
]
_LAST = [
    "Adeyemi",
    "Barker",
    "Chowdhury",
    "Doyle",
    "Ellis",
    "Fernandes",
    "Griffiths",
    "Hussain",
    "Ingram",
    "Jackson",
    "Kowalski",
    "Lloyd",
    "McKenzie",
    "Nwosu",
    "O'Brien",
    "Price",
    "Rahman",
    "Shaw",
    "Thomson",
    "Underwood",
    "Varga",
    "Whitfield",
    "Yates",
    "Zaman",
    "Atkinson",
    "Begum",
    "Campbell",
    "Dunn",
]
_OCCUPATIONS = [
    ("Care assistant", "Brightwater Care Homes"),
    ("Bus driver", "Metro Buses Ltd"),
    ("Teaching assistant", "Oakfield Primary School"),
    ("Call centre adviser", "Northern Telecom"),
    ("Warehouse operative", "Parcel Direct"),
    ("Nurse", "City Hospitals NHS Trust"),
    ("Software tester", "Kestrel Digital"),
    ("Chef", "The Green Kitchen"),
    ("Accounts clerk", "Harbour Insurance"),
    ("Retail supervisor", "Valley Stores"),
]
_HEALTH = [
    "Anxiety and panic attacks, worse on the commute.",
    "Depression since a bereavement last year.",
    "Work-related stress after a restructure; trouble sleeping.",
    "Low mood and fatigue; on medication.",
    "PTSD after an assault at work; avoids crowded places.",
    "Obsessive-compulsive disorder; checking rituals.",
    "Bipolar disorder, currently stable; worried about night shifts.",
]
_OBSTACLES = [
    "Finds busy open-plan office overwhelming.",
    "Struggles with early shifts due to medication.",
    "Avoids phone calls with customers.",
    "Conflict with a line manager over absences.",
]
_GOALS = [
    "Agree a phased return with a later start.",
    "Set up regular one-to-ones with the manager.",
    "Move to a quieter desk and use noise-cancelling headphones.",
    "Reduce overtime for three months.",
]
_NOTES = [
    "Discussed how the week went; sleep a little better.",
    "Talked through a wellness action plan.",
    "Participant reported a difficult meeting with the manager; agreed to prepare notes for the next one.",
    "Reviewed the support plan; one action done.",
    "Short call to confirm the next appointment.",
]


def _fake_ni(org_index: int, i: int) -> str:
    prefix = _NI_PREFIXES[(org_index * 5 + i) % len(_NI_PREFIXES)]
    return f"{prefix}{org_index:01d}{i:05d}{'ABCD'[i % 4]}"


def _postcode(slug: str, i: int) -> str:
    area = _AREAS[slug][i % len(_AREAS[slug])]
    district = 1 + (i * 7) % 9
    letters = _INWARD_LETTERS[(i * 3) % 20] + _INWARD_LETTERS[(i * 11 + 5) % 20]
    return f"{area}{district} {(i * 5) % 10}{letters}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return clock.as_utc(datetime.combine(day, time(hour, minute), tzinfo=clock.LONDON))


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
                _history(org, participant, i, found[i % 2])
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
    occupation, employer = _OCCUPATIONS[(i + org_index) % len(_OCCUPATIONS)]
    first = _FIRST[(i + org_index * 3) % len(_FIRST)]
    last = _LAST[(i * 5 + org_index) % len(_LAST)]
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
        health_information=_HEALTH[(i + org_index) % len(_HEALTH)],
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


def _history(org: Organisation, p: Participant, i: int, vrc: User) -> None:
    """Status history, and for cases under way: assessment, plan, notes, appointments, milestones."""
    now, today = clock.now(), clock.today()
    add = db.session.add
    add(
        StatusChange(
            org_id=org.id,
            participant_id=p.id,
            status="referred",
            changed_on=clock.local(p.referred_at).date(),
            reason="Referral received",
            changed_at=p.referred_at,
        )
    )
    if p.first_contact_at is None:
        return
    start = clock.local(p.first_contact_at).date()
    add(
        StatusChange(
            org_id=org.id,
            participant_id=p.id,
            status="active",
            changed_on=start,
            reason="First contact",
            changed_by_id=vrc.id,
            changed_at=p.first_contact_at,
        )
    )
    add(
        Assessment(
            org_id=org.id,
            participant_id=p.id,
            assessed_on=start,
            support_level=("light", "standard", "intensive")[i % 3],
            work_obstacles=_OBSTACLES[i % len(_OBSTACLES)],
            goals=_GOALS[i % len(_GOALS)],
            assessed_by_id=vrc.id,
            created_at=p.first_contact_at,
            updated_at=p.first_contact_at,
        )
    )
    add(
        Milestone(
            org_id=org.id,
            participant_id=p.id,
            kind="support_plan_agreed",
            achieved_on=start + timedelta(days=7),
            recorded_by_id=vrc.id,
            recorded_at=p.first_contact_at + timedelta(days=7),
        )
    )
    end = p.closed_on or today
    months = min(9, (end - start).days // 30)
    for month in range(1, months + 1):
        add(
            Milestone(
                org_id=org.id,
                participant_id=p.id,
                kind="month_of_support",
                month_number=month,
                achieved_on=start + timedelta(days=30 * month),
                recorded_by_id=vrc.id,
                recorded_at=p.first_contact_at + timedelta(days=30 * month),
            )
        )
    add(
        SupportPlanAction(
            org_id=org.id,
            participant_id=p.id,
            description="Ask the manager for a later start time",
            owner="Participant",
            due_on=start + timedelta(days=14),
            done_on=start + timedelta(days=12),
            created_by_id=vrc.id,
            created_at=p.first_contact_at,
            done_by_id=vrc.id,
        )
    )
    add(
        SupportPlanAction(
            org_id=org.id,
            participant_id=p.id,
            description="Draft a wellness action plan together",
            owner="VRC",
            due_on=today - timedelta(days=2) if i % 4 == 0 else today + timedelta(days=10),
            created_by_id=vrc.id,
            created_at=p.first_contact_at,
        )
    )
    # The first contact, then fortnightly contacts leading up to today (or the closure).
    recent = [end - timedelta(days=14 * m + 1 + i % 5) for m in range(1 + i % 3)]
    contacts = [start] + sorted(d for d in recent if d > start)
    for n, contact in enumerate(contacts):
        note = CaseNote(
            org_id=org.id,
            participant_id=p.id,
            contact_date=contact,
            note_type=("appointment", "phone", "email")[n % 3],
            author_id=vrc.id,
            created_at=_at(contact, 16),
        )
        add(note)
        db.session.flush()
        add(
            CaseNoteVersion(
                org_id=org.id,
                note_id=note.id,
                number=1,
                text=_NOTES[(i + n) % len(_NOTES)],
                author_id=vrc.id,
                created_at=note.created_at,
            )
        )
        if n == 0 and i % 5 == 0:
            add(
                CaseNoteVersion(
                    org_id=org.id,
                    note_id=note.id,
                    number=2,
                    text=_NOTES[(i + n) % len(_NOTES)] + " Agreed to review in two weeks.",
                    reason="Added the agreed review date",
                    author_id=vrc.id,
                    created_at=note.created_at + timedelta(hours=1),
                )
            )
        add(
            Appointment(
                org_id=org.id,
                participant_id=p.id,
                starts_at=_at(contact, 10),
                duration_minutes=60,
                channel=("phone", "video", "in_person")[n % 3],
                location="Local office" if n % 3 == 2 else "",
                status="did_not_attend" if (n == 1 and i % 6 == 0) else "attended",
                outcome_recorded_at=_at(contact, 12),
                created_by_id=vrc.id,
                created_at=_at(contact, 9) - timedelta(days=7),
                updated_by_id=vrc.id,
                updated_at=_at(contact, 12),
            )
        )
    if not p.closed:
        next_day = today + timedelta(days=1 + i % 7)
        appointment = Appointment(
            org_id=org.id,
            participant_id=p.id,
            starts_at=_at(next_day, 9 + i % 7, 30),
            duration_minutes=(30, 45, 60)[i % 3],
            channel=("phone", "video", "in_person")[i % 3],
            location="Local office" if i % 3 == 2 else "",
            status="scheduled",
            created_by_id=vrc.id,
            created_at=now,
            updated_by_id=vrc.id,
            updated_at=now,
        )
        add(appointment)
        if i % 4 == 1:
            db.session.flush()
            add(
                AppointmentReschedule(
                    org_id=org.id,
                    appointment_id=appointment.id,
                    old_starts_at=appointment.starts_at - timedelta(days=1),
                    new_starts_at=appointment.starts_at,
                    reason="Participant asked to move it: working a late shift",
                    changed_by_id=vrc.id,
                    changed_at=now,
                )
            )
    if p.status in ("completed", "left_early", "withdrawn"):
        assert p.closed_on is not None  # a closed case has its closing date (set with the status)
        add(
            StatusChange(
                org_id=org.id,
                participant_id=p.id,
                status=p.status,
                changed_on=p.closed_on,
                reason=p.closure_reason,
                changed_by_id=vrc.id,
                changed_at=_at(p.closed_on, 15),
            )
        )
        if p.status == "completed":
            add(
                Milestone(
                    org_id=org.id,
                    participant_id=p.id,
                    kind="job_retained",
                    achieved_on=p.closed_on,
                    recorded_by_id=vrc.id,
                    recorded_at=_at(p.closed_on, 15),
                )
            )
            add(
                Milestone(
                    org_id=org.id,
                    participant_id=p.id,
                    kind="programme_completed",
                    achieved_on=p.closed_on,
                    recorded_by_id=vrc.id,
                    recorded_at=_at(p.closed_on, 15),
                )
            )
        elif p.status == "left_early":
            add(
                Milestone(
                    org_id=org.id,
                    participant_id=p.id,
                    kind="left_early",
                    achieved_on=p.closed_on,
                    left_early_reason="moved_away",
                    recorded_by_id=vrc.id,
                    recorded_at=_at(p.closed_on, 15),
                )
            )


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
