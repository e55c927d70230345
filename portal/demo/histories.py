"""A demo participant's history at their stage of the programme: status changes, the
assessment and support plan, appointments, case notes, consents and milestones."""

from datetime import date, datetime, time, timedelta

from portal import clock
from portal.demo.words import GOALS, NOTES, OBSTACLES
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


def at_hour(day: date, hour: int, minute: int = 0) -> datetime:
    return clock.as_utc(datetime.combine(day, time(hour, minute), tzinfo=clock.LONDON))


def add_history(org: Organisation, p: Participant, i: int, vrc: User) -> None:
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
            work_obstacles=OBSTACLES[i % len(OBSTACLES)],
            goals=GOALS[i % len(GOALS)],
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
            created_at=at_hour(contact, 16),
        )
        add(note)
        db.session.flush()
        add(
            CaseNoteVersion(
                org_id=org.id,
                note_id=note.id,
                number=1,
                text=NOTES[(i + n) % len(NOTES)],
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
                    text=NOTES[(i + n) % len(NOTES)] + " Agreed to review in two weeks.",
                    reason="Added the agreed review date",
                    author_id=vrc.id,
                    created_at=note.created_at + timedelta(hours=1),
                )
            )
        add(
            Appointment(
                org_id=org.id,
                participant_id=p.id,
                starts_at=at_hour(contact, 10),
                duration_minutes=60,
                channel=("phone", "video", "in_person")[n % 3],
                location="Local office" if n % 3 == 2 else "",
                status="did_not_attend" if (n == 1 and i % 6 == 0) else "attended",
                outcome_recorded_at=at_hour(contact, 12),
                created_by_id=vrc.id,
                created_at=at_hour(contact, 9) - timedelta(days=7),
                updated_by_id=vrc.id,
                updated_at=at_hour(contact, 12),
            )
        )
    if not p.closed:
        next_day = today + timedelta(days=1 + i % 7)
        appointment = Appointment(
            org_id=org.id,
            participant_id=p.id,
            starts_at=at_hour(next_day, 9 + i % 7, 30),
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
                changed_at=at_hour(p.closed_on, 15),
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
                    recorded_at=at_hour(p.closed_on, 15),
                )
            )
            add(
                Milestone(
                    org_id=org.id,
                    participant_id=p.id,
                    kind="programme_completed",
                    achieved_on=p.closed_on,
                    recorded_by_id=vrc.id,
                    recorded_at=at_hour(p.closed_on, 15),
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
                    recorded_at=at_hour(p.closed_on, 15),
                )
            )
