"""GP letters: drafted from a template, previewed, issued as a PDF, recorded as sent.

The notice: "your VRC may feel that your GP/Health Practitioner may not have the
full picture about your condition, and may want to write to them ... but with your
consent". Every step that moves a letter towards the GP (drafting, issuing,
recording that it was sent) needs the participant's live ``gp_contact`` consent at
that moment, and is refused while their record is restricted. Sending writes the
disclosure, with the issued PDF as the copy of what was sent.
"""

from datetime import datetime
from typing import NoReturn

from flask import Response, render_template
from sqlalchemy import select

from portal import audit, clock, private_files
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import consents, disclosures, receipts
from portal.extensions import db
from portal.models import GpLetter, Organisation, Participant, User
from portal.models.sharing import SEND_METHODS
from portal.validation import Invalid, Problems, clean_text

PURPOSE = "gp_contact"
LETTER_TEMPLATE = "consent/gp_letter_document.html"
LETTER_FRAGMENT = "consent/_gp_letter.html"
DEFAULT_BODY = (
    "{first_name} has been taking part in the service since {referred_on}. We have been working together on "
    "the difficulties they are having at work and on what would help them stay in work.\n\n"
    "[Describe the work obstacles, the support agreed so far, and what you would like the practice to know "
    "or to consider.]\n\n"
    "If you would like to discuss this letter, please contact me using the details below."
)


class LetterNotDraft(Exception):
    """Only a draft letter can be changed or issued."""


def defaults(participant: Participant) -> dict[str, object]:
    """The template filled in from the record: practice details and opening text."""
    referred = clock.local(participant.referred_at).date()
    return {
        "addressee": "Dear Doctor",
        "practice_name": participant.gp_practice_name,
        "practice_address": participant.gp_practice_address,
        "body": DEFAULT_BODY.format(first_name=participant.first_name, referred_on=f"{referred.day} {referred:%B %Y}"),
        "data_categories": [],
    }


def _clean(
    participant: Participant,
    addressee: str | None,
    practice_name: str | None,
    practice_address: str | None,
    body: str | None,
    data_categories: list[str] | None,
) -> dict[str, str | list[str]]:
    purpose = consents.purpose_by_code(PURPOSE)
    allowed = list(purpose.data_categories or []) if purpose else []
    problems = []
    values: dict[str, str | list[str]] = {}
    typed = {"addressee": addressee, "practice_name": practice_name, "practice_address": practice_address, "body": body}
    for name, label, limit in (
        ("addressee", "the greeting, like ‘Dear Dr Patel’", 200),
        ("practice_name", "the name of the practice", 200),
        ("practice_address", "the address of the practice", 400),
        ("body", "the text of the letter", 10_000),
    ):
        try:
            values[name] = clean_text(typed[name], label, limit, required=True)
        except Invalid as problem:
            problem.field = name
            problems.append(problem)
    if "body" in values and "[Describe" in values["body"]:
        problems.append(
            Invalid("Replace the text in square brackets with what you want to tell the practice", field="body")
        )
    chosen = [c for c in allowed if c in (data_categories or [])]
    if not chosen:
        problems.append(Invalid("Select what the letter shares", field="data_categories"))
    values["data_categories"] = chosen
    if problems:
        raise Problems(problems)
    return values


def ensure_may_write(participant: Participant) -> None:
    """Writing to the GP (the letter form, a draft, a change to it) needs a live GP
    consent now and is refused while the record is restricted."""
    ensure_not_restricted(participant, Action.GP_LETTER_WRITE, "writing to the GP")
    consents.require_live_consent(participant, PURPOSE)


def draft_letter(
    participant: Participant,
    addressee: str | None,
    practice_name: str | None,
    practice_address: str | None,
    body: str | None,
    data_categories: list[str] | None,
    user_id: int | None,
) -> GpLetter:
    """Start a letter (``ensure_may_write``)."""
    ensure_may_write(participant)
    values = _clean(participant, addressee, practice_name, practice_address, body, data_categories)
    now = clock.now()
    letter = GpLetter(
        org_id=participant.org_id,
        participant_id=participant.id,
        status="draft",
        created_by_id=user_id,
        created_at=now,
        updated_at=now,
        **values,
    )
    db.session.add(letter)
    db.session.flush()
    audit.record(
        "gp_letter.drafted",
        object_type="gp_letter",
        object_id=letter.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
    return letter


def update_letter(
    participant: Participant,
    letter: GpLetter,
    addressee: str | None,
    practice_name: str | None,
    practice_address: str | None,
    body: str | None,
    data_categories: list[str] | None,
    user_id: int | None,
) -> GpLetter:
    """Change a draft (an issued letter is fixed: its PDF is what goes to the GP)."""
    if letter.status != "draft":
        raise LetterNotDraft(letter.id)
    ensure_may_write(participant)
    values = _clean(participant, addressee, practice_name, practice_address, body, data_categories)
    for name, value in values.items():
        setattr(letter, name, value)
    letter.updated_at = clock.now()
    audit.record(
        "gp_letter.changed",
        object_type="gp_letter",
        object_id=letter.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
    return letter


def letter_html(
    participant: Participant, letter: GpLetter, user: User | None, dated: datetime | None = None, document: bool = True
) -> str:
    """The letter as HTML: the same template gives the preview (``document=False``:
    the letter alone, for the page) and the PDF (a whole document)."""
    org = db.session.get(Organisation, participant.org_id)
    author = user if letter.issued_by_id is None else db.session.get(User, letter.issued_by_id)
    return render_template(
        LETTER_TEMPLATE if document else LETTER_FRAGMENT,
        letter=letter,
        participant=participant,
        org=org,
        author=author,
        dated=dated or letter.issued_at or clock.now(),
        controller=receipts.CONTROLLER,
    )


def render_pdf(html: str) -> bytes:
    import weasyprint  # noqa: PLC0415 - weasyprint needs Pango; only issuing a letter loads it

    class _NothingFromOutside(weasyprint.URLFetcher):  # type: ignore[misc]  # weasyprint ships no type information
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> NoReturn:
            raise ValueError("a letter loads nothing from outside")

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_NothingFromOutside()).write_pdf()
    return pdf


def issue_letter(participant: Participant, letter: GpLetter, user_id: int | None) -> GpLetter:
    """Issue a draft: the PDF is generated from the previewed text and stored; the
    letter can then be sent. Needs a live GP consent now; refused while restricted."""
    if letter.status != "draft":
        raise LetterNotDraft(letter.id)
    ensure_not_restricted(participant, Action.GP_LETTER_ISSUE, "issuing a letter to the GP")
    consent = consents.require_live_consent(participant, PURPOSE)
    now = clock.now()
    user = db.session.get(User, user_id) if user_id else None
    pdf = render_pdf(letter_html(participant, letter, user, dated=now))
    stored = private_files.store("gp_letters", pdf, "application/pdf")
    letter.status = "issued"
    letter.issued_at = now
    letter.issued_by_id = user_id
    db.session.expire(letter, ["issued_by"])  # its joined relationship was loaded with the old value
    letter.consent_id = consent.id
    letter.pdf_key = stored.key
    letter.pdf_sha256 = stored.sha256
    letter.updated_at = now
    audit.record(
        "gp_letter.issued",
        object_type="gp_letter",
        object_id=letter.id,
        participant_id=participant.id,
        user_id=user_id,
        detail={"consent_id": consent.id},
    )
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        private_files.delete(stored.key)
        raise
    return letter


def record_sent(
    participant: Participant, letter: GpLetter, method: str, sent_at: datetime | None, user_id: int | None
) -> GpLetter:
    """Record how and when an issued letter was sent; this is the disclosure. The GP
    consent must have been live when it was sent (a consent withdrawn before then
    means the letter must not go: the refusal says so)."""
    if letter.status != "issued":
        raise Problems(
            [Invalid("Only an issued letter that has not been sent can be recorded as sent", field="method")]
        )
    assert letter.issued_at is not None  # set when the letter was issued
    ensure_not_restricted(participant, Action.GP_LETTER_SEND, "sending a letter to the GP")
    problems = []
    if method not in SEND_METHODS:
        problems.append(Invalid("Select how the letter was sent", field="method"))
    if sent_at is None:
        problems.append(Invalid("Enter the date and time the letter was sent", field="sent_on"))
    elif sent_at > clock.now():
        problems.append(Invalid("The date and time the letter was sent must be now or in the past", field="sent_on"))
    elif sent_at < letter.issued_at.replace(second=0, microsecond=0):
        problems.append(Invalid("The letter cannot have been sent before it was issued", field="sent_on"))
    if problems:
        raise Problems(problems)
    assert sent_at is not None  # else a problem was raised above
    sent_at = max(sent_at, letter.issued_at)
    consent = consents.require_live_consent(participant, PURPOSE, at=sent_at)
    purpose = consent.purpose
    disclosure = disclosures.record_disclosure(
        participant,
        "gp",
        f"{letter.practice_name}, {letter.practice_address}".replace("\n", ", "),
        purpose.name,
        letter.data_categories,
        summary=f"Letter to the GP practice, sent by {SEND_METHODS[method].lower()}",
        consent=consent,
        copy_path=letter.pdf_key,
        copy_content_type="application/pdf",
        method=SEND_METHODS[method],
        disclosed_at=sent_at,
        user_id=user_id,
        source="gp_letter",
        source_id=letter.id,
    )
    letter.status = "sent"
    letter.sent_method = method
    letter.sent_at = sent_at
    letter.sent_recorded_by_id = user_id
    letter.sent_recorded_at = clock.now()
    letter.disclosure_id = disclosure.id
    letter.updated_at = clock.now()
    audit.record(
        "gp_letter.sent",
        object_type="gp_letter",
        object_id=letter.id,
        participant_id=participant.id,
        user_id=user_id,
        detail={"method": method, "disclosure_id": disclosure.id},
    )
    db.session.commit()
    return letter


def cancel_letter(participant: Participant, letter: GpLetter, reason: str, user_id: int | None) -> GpLetter:
    """Cancel a draft or an issued letter that will not be sent (the consent was
    withdrawn, say). Allowed while restricted: it stops a sharing."""
    if letter.status not in ("draft", "issued"):
        raise Problems([Invalid("Only a draft or an unsent letter can be cancelled", field="reason")])
    try:
        reason = clean_text(reason, "why the letter is cancelled", 500, required=True)
    except Invalid as problem:
        problem.field = "reason"
        raise Problems([problem]) from problem
    letter.status = "cancelled"
    letter.cancelled_at = clock.now()
    letter.cancelled_by_id = user_id
    letter.cancel_reason = reason
    letter.updated_at = clock.now()
    audit.record(
        "gp_letter.cancelled",
        object_type="gp_letter",
        object_id=letter.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
    return letter


def letters_of(participant: Participant) -> list[GpLetter]:
    return list(
        db.session.scalars(
            select(GpLetter)
            .where(GpLetter.org_id == participant.org_id, GpLetter.participant_id == participant.id)
            .order_by(GpLetter.created_at.desc(), GpLetter.id.desc())
        )
    )


def pdf_download(letter: GpLetter) -> Response:
    """The issued letter's PDF as a download, the download audited (the route has
    checked access)."""
    audit.record(
        "gp_letter.downloaded", object_type="gp_letter", object_id=letter.id, participant_id=letter.participant_id
    )
    db.session.commit()
    assert letter.pdf_key is not None  # the route answers 404 for a letter without a PDF
    return private_files.response(letter.pdf_key, "application/pdf", f"gp-letter-{letter.id}.pdf")
