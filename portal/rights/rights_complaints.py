"""Complaints to the DPO about how personal data is used: logged, investigated, an
outcome recorded, and the person told they may complain to the ICO (UK GDPR Art. 77;
the privacy notice names the ICO)."""

from datetime import date

from sqlalchemy import select

from portal import audit, clock
from portal.consent.authority_requests import require_dpo, required_text
from portal.extensions import db
from portal.models.rights import CHANNELS, RESPONSE_METHODS, Complaint
from portal.rights.rights_requests import checked_choice, checked_date
from portal.validation import Invalid, Problems


def all_complaints() -> list[Complaint]:
    rows = db.session.scalars(select(Complaint).order_by(Complaint.received_on.desc(), Complaint.id.desc())).all()
    return [c for c in rows if c.status == "open"] + [c for c in rows if c.status != "open"]


def audit_list(rows: list[Complaint], user_id: int | None) -> None:
    """Record that the complaints list showed ``rows`` and commit."""
    audit.record(
        "complaint.list", object_type="complaint", user_id=user_id, detail={"complaint_ids": [c.id for c in rows]}
    )
    db.session.commit()


def audit_view(complaint: Complaint, user_id: int | None) -> None:
    """Record that the DPO opened ``complaint`` and commit."""
    audit.record("complaint.viewed", object_type="complaint", object_id=complaint.id, user_id=user_id)
    db.session.commit()


def log_complaint(
    name: str | None,
    contact: str | None,
    about: str | None,
    received_on: date | None,
    channel: str | None,
    user_id: int | None,
) -> Complaint:
    require_dpo(user_id)
    problems: list[Invalid] = []
    name = required_text(problems, "complainant_name", name, "the name of the person complaining", 200)
    contact = required_text(problems, "complainant_contact", contact, "how to reach them", 500)
    about = required_text(problems, "about", about, "what the complaint is about", 5000)
    received_on = checked_date(problems, "received_on", received_on, "the date the complaint arrived")
    checked_choice(problems, "channel", channel, CHANNELS, "Select how the complaint arrived")
    if problems:
        raise Problems(problems)
    complaint = Complaint(
        complainant_name=name,
        complainant_contact=contact,
        about=about,
        received_on=received_on,
        channel=channel,
        logged_by_id=user_id,
        logged_at=clock.now(),
        status="open",
    )
    db.session.add(complaint)
    db.session.flush()
    audit.record(
        "complaint.logged",
        object_type="complaint",
        object_id=complaint.id,
        user_id=user_id,
        detail={"channel": channel},
    )
    db.session.commit()
    return complaint


def record_investigation(complaint: Complaint, notes: str | None, user_id: int | None) -> Complaint:
    require_dpo(user_id)
    problems: list[Invalid] = []
    notes = required_text(problems, "investigation", notes, "what the investigation found", 10000)
    if complaint.status != "open":
        problems.append(Invalid("The complaint is closed", field="investigation"))
    if problems:
        raise Problems(problems)
    complaint.investigation = notes
    audit.record(
        "complaint.investigated",
        object_type="complaint",
        object_id=complaint.id,
        user_id=user_id,
        participant_id=complaint.participant_id,
    )
    db.session.commit()
    return complaint


def close_complaint(
    complaint: Complaint,
    outcome: str | None,
    outcome_on: date | None,
    ico_told_on: date | None,
    ico_told_method: str | None,
    user_id: int | None,
) -> Complaint:
    """The outcome, and when and how the person was told they may complain to the ICO."""
    require_dpo(user_id)
    problems: list[Invalid] = []
    if complaint.status != "open":
        problems.append(Invalid("The complaint is already closed", field="outcome"))
    outcome = required_text(problems, "outcome", outcome, "the outcome", 5000)
    outcome_on = checked_date(
        problems,
        "outcome_on",
        outcome_on,
        "the date of the outcome",
        complaint.received_on,
        "the date the complaint arrived",
    )
    ico_told_on = checked_date(
        problems,
        "ico_told_on",
        ico_told_on,
        "the date they were told about the ICO",
        complaint.received_on,
        "the date the complaint arrived",
    )
    checked_choice(problems, "ico_told_method", ico_told_method, RESPONSE_METHODS, "Select how they were told")
    if problems:
        raise Problems(problems)
    assert ico_told_method is not None  # checked above
    complaint.outcome = outcome
    complaint.outcome_on = outcome_on
    complaint.ico_told_on = ico_told_on
    complaint.ico_told_method = ico_told_method
    complaint.status = "closed"
    complaint.closed_by_id = user_id
    complaint.closed_at = clock.now()
    audit.record(
        "complaint.closed",
        object_type="complaint",
        object_id=complaint.id,
        user_id=user_id,
        participant_id=complaint.participant_id,
    )
    db.session.commit()
    return complaint
