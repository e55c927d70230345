"""Case notes: written after each appointment or contact, amended only by new versions.

The notice tells participants their VRC makes notes of how they are doing; the notes
are special category data in practice, so they are shown only to the assigned VRC,
the organisation's team managers (and the DPO through rights workflows), and every
view is audited. A note is never edited in place: an amendment is a new version with
a reason, and the earlier text stays in the history.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal import audit, clock
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework.participants import record_first_contact
from portal.extensions import db
from portal.models import CaseNote, CaseNoteVersion, Participant
from portal.models.case_note import CONTACT_NOTE_TYPES, NOTE_TYPES
from portal.validation import Invalid, Problems, clean_text

MAX_NOTE_LENGTH = 10000


def _note_problems(contact_date: date | None, participant: Participant) -> list[Invalid]:
    if contact_date is None:
        return [Invalid("Enter the date of the contact", field="contact_date")]
    if contact_date > clock.today():
        return [Invalid("The date of the contact must be today or in the past", field="contact_date")]
    if contact_date < clock.local(participant.referred_at).date():
        return [Invalid("The date of the contact must be on or after the referral date", field="contact_date")]
    return []


def write_note(
    participant: Participant, contact_date: date | None, note_type: str, text: str, author_id: int | None
) -> CaseNote:
    """Write a case note (author and time stamped). A phone or email contact logged
    after allocation is the participant's first contact if none came before."""
    ensure_not_restricted(participant, Action.CASE_NOTE_WRITE, "writing a case note")
    problems = _note_problems(contact_date, participant)
    if note_type not in NOTE_TYPES:
        problems.append(Invalid("Select the type of contact", field="note_type"))
    try:
        text = clean_text(text, "the note", MAX_NOTE_LENGTH, required=True)
    except Invalid as problem:
        problem.field = "text"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    now = clock.now()
    note = CaseNote(
        org_id=participant.org_id,
        participant_id=participant.id,
        contact_date=contact_date,
        note_type=note_type,
        author_id=author_id,
        created_at=now,
    )
    db.session.add(note)
    db.session.flush()
    db.session.add(
        CaseNoteVersion(
            org_id=participant.org_id,
            note_id=note.id,
            number=1,
            text=text,
            reason="",
            author_id=author_id,
            created_at=now,
        )
    )
    if note_type in CONTACT_NOTE_TYPES:
        record_first_contact(participant, now, author_id)
    audit.record(
        "case_note.written",
        object_type="case_note",
        object_id=note.id,
        participant_id=participant.id,
        detail={"note_type": note_type},
        user_id=author_id,
    )
    db.session.commit()
    return note


def amend_note(
    participant: Participant, note: CaseNote, text: str, reason: str, author_id: int | None
) -> CaseNoteVersion:
    """Amend a note by adding a new version with the reason; earlier versions stay."""
    ensure_not_restricted(participant, Action.CASE_NOTE_AMEND, "amending a case note")
    problems = []
    try:
        text = clean_text(text, "the amended note", MAX_NOTE_LENGTH, required=True)
        if text == note.current.text:
            problems.append(Invalid("The amended note is the same as the current version", field="text"))
    except Invalid as problem:
        problem.field = "text"
        problems.append(problem)
    try:
        reason = clean_text(reason, "the reason for the amendment", 500, required=True)
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    # Through the relationship, so the note's loaded versions include it after the commit.
    version = CaseNoteVersion(
        org_id=participant.org_id,
        note=note,
        number=note.current.number + 1,
        text=text,
        reason=reason,
        author_id=author_id,
        created_at=clock.now(),
    )
    db.session.add(version)
    audit.record(
        "case_note.amended",
        object_type="case_note",
        object_id=note.id,
        participant_id=participant.id,
        detail={"version": version.number},
        user_id=author_id,
    )
    db.session.commit()
    return version


NOTES_PER_PAGE = 50


@dataclass
class NotesPage:
    notes: list[CaseNote]
    page: int
    pages: int
    total: int


def notes_page(participant: Participant, page: int = 1, per_page: int = NOTES_PER_PAGE) -> NotesPage:
    """One page of the participant's notes, newest contact first, each with its versions
    and their authors: the same number of queries whatever the number of notes (a count,
    the page, its versions). A page past the last shows the last."""
    mine = (CaseNote.org_id == participant.org_id, CaseNote.participant_id == participant.id)
    total = db.session.scalar(select(func.count(CaseNote.id)).where(*mine)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    notes = list(
        db.session.scalars(
            select(CaseNote)
            .where(*mine)
            .order_by(CaseNote.contact_date.desc(), CaseNote.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return NotesPage(notes=notes, page=page, pages=pages, total=total)
