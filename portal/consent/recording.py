"""Recording consent: a decision with its evidence (a signed form, a recorded call), a withdrawal,
and the receipt the participant is given (the Kantara consent receipt). The rule that says
which decision is live is portal.consent.consents.resolve; every reader asks it."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import Response, current_app

from portal import audit, clock, private_files
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import privacy_notices

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.
from portal.consent.consents import live_consent, moment_text, purpose_by_code, verdict
from portal.extensions import db
from portal.models import Consent, ConsentEvidence, ConsentWithdrawal, Participant, PrivacyNotice, User
from portal.models.consent import BACKDATE_TOLERANCE, DECISIONS, METHODS, WITHDRAWAL_METHODS
from portal.validation import Invalid, Problems, clean_text

# The controller as the notice names it (receipts, letters).

# Evidence: a signed form, checked by its content (its first bytes), never its name.
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
_PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"PK\x03\x04",
)
DEFAULT_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
MAX_WORDS = 2000


@dataclass
class Upload:
    """A file as the browser sent it: the name is kept for the record only."""

    filename: str
    content: bytes


def evidence_max_bytes() -> int:
    return int(current_app.config.get("CONSENT_EVIDENCE_MAX_BYTES") or DEFAULT_EVIDENCE_MAX_BYTES)


def check_evidence(upload: Upload) -> str:
    """The content type of a signed form, decided by its first bytes; a clear
    ``Invalid`` (field ``evidence``) for an empty, oversize, program or other file."""
    content = upload.content or b""
    limit = evidence_max_bytes()
    if not content:
        raise Invalid("The selected file is empty", field="evidence")
    if len(content) > limit:
        raise Invalid(f"The selected file must be smaller than {limit // (1024 * 1024)}MB", field="evidence")
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content.startswith(_PROGRAM_SIGNATURES):
        raise Invalid(
            "The selected file is a program or an archive, whatever its name says: upload the signed "
            "form as a PDF, PNG or JPEG",
            field="evidence",
        )
    raise Invalid("The selected file must be a PDF, PNG or JPEG", field="evidence")


def _store_evidence(
    participant: Participant, consent: Consent, upload: Upload, content_type: str, user_id: int | None
) -> ConsentEvidence:
    stored = private_files.store("consent_evidence", upload.content, content_type)
    evidence = ConsentEvidence(
        org_id=participant.org_id,
        participant_id=participant.id,
        consent_id=consent.id,
        storage_key=stored.key,
        content_type=content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        original_filename=(upload.filename or "")[-255:],
        uploaded_by_id=user_id,
        uploaded_at=clock.now(),
    )
    db.session.add(evidence)
    db.session.flush()
    db.session.expire(consent, ["evidence"])  # loaded before this one was added
    return evidence


def _commit_or_remove(*keys: str) -> None:
    """Commit; if that fails, remove the files written for it (nothing half-done)."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in keys:
            private_files.delete(key)
        raise


# ----------------------------------------------------------------- recording


def _position(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.position if user else ""


def is_backdated(decided_at: datetime, recorded_at: datetime | None = None) -> bool:
    """A decision recorded more than ``BACKDATE_TOLERANCE`` after the moment it says
    it took effect is back-dated (``Consent.backdated`` is the same test)."""
    return (recorded_at or clock.now()) - decided_at > BACKDATE_TOLERANCE


def _moment(
    value: datetime | None, field_name: str, label: str, not_before: datetime | None, not_before_text: str
) -> datetime:
    if value is None:
        raise Invalid(f"Enter the date and time {label}", field=field_name)
    if value > clock.now():
        raise Invalid(f"The date and time {label} must be now or in the past", field=field_name)
    if not_before is not None:
        # Typed times have minutes only: the same minute as ``not_before`` is not before it.
        if value < not_before.replace(second=0, microsecond=0):
            raise Invalid(f"The date and time {label} must be {not_before_text}", field=field_name)
        value = max(value, not_before)
    return value


def record_consent(
    participant: Participant,
    purpose_code: str,
    decision: str,
    method: str,
    words: str,
    decided_at: datetime | None,
    notice_id: str | int | None,
    upload: Upload | None,
    user_id: int | None,
    backdated_reason: str = "",
) -> Consent:
    """Record a participant's decision about one purpose: given or refused, verbally
    (their words) or in writing (the signed form), under the current notice version,
    which the page showed them (``notice_id``). Refused while the record is
    restricted. Refusing a purpose whose consent is live is a withdrawal instead.

    A decision dated more than ``BACKDATE_TOLERANCE`` before now is back-dated and
    needs ``backdated_reason``; it takes its place in the history by its date, so
    one dated before a withdrawal is recorded but is not live (``resolve``)."""
    ensure_not_restricted(participant, Action.CONSENT_RECORD, "recording a consent")
    problems = []
    purpose = purpose_by_code(purpose_code or "")
    if purpose is None or not purpose.active:
        problems.append(Invalid("Select what the consent is for", field="purpose"))
    if decision not in DECISIONS:
        problems.append(Invalid("Select whether the participant gave or refused consent", field="decision"))
    if method not in METHODS:
        problems.append(Invalid("Select how the participant gave their decision", field="method"))
    try:
        words = clean_text(words, "what the participant said", MAX_WORDS, required=method == "verbal")
    except Invalid as problem:
        problem.field = "words"
        problems.append(problem)
    try:
        decided_at = _moment(
            decided_at, "decided_on", "the participant decided", participant.referred_at, "on or after the referral"
        )
    except Invalid as problem:
        problems.append(problem)
        decided_at = None
    if decided_at is not None and is_backdated(decided_at):
        try:
            backdated_reason = clean_text(
                backdated_reason,
                "why the decision is recorded more than 15 minutes after the participant made it",
                MAX_WORDS,
                required=True,
            )
        except Invalid as problem:
            problem.field = "backdated_reason"
            problems.append(problem)
    else:
        backdated_reason = ""
    content_type = None
    if upload is not None and upload.content:
        try:
            content_type = check_evidence(upload)
        except Invalid as problem:
            problems.append(problem)
    elif method == "written":
        problems.append(Invalid("Select the signed consent form to upload", field="evidence"))
    notice = privacy_notices.current_notice()
    if notice is None:
        problems.append(
            Invalid(
                "No privacy notice has been published: the Data Protection Officer must publish "
                "one before consent can be recorded",
                field="decision",
            )
        )
    elif str(notice_id or "") != str(notice.id):
        problems.append(
            Invalid(
                f"Version {notice.version} of the privacy notice is now in force: read or give it "
                "to the participant, then record their decision",
                field="decision",
            )
        )
    if purpose is not None and decision == "refused" and not problems and live_consent(participant, purpose.code):
        problems.append(
            Invalid(
                "The participant’s consent for this purpose is live: to record that they changed "
                "their mind, withdraw it",
                field="decision",
            )
        )
    if problems:
        raise Problems(problems)
    assert purpose is not None and notice is not None  # else a problem was raised above

    consent = Consent(
        org_id=participant.org_id,
        participant_id=participant.id,
        purpose_id=purpose.id,
        decision=decision,
        method=method,
        participant_words=words,
        notice_id=notice.id,
        decided_at=decided_at,
        recorded_by_id=user_id,
        recorded_by_position=_position(user_id),
        recorded_at=clock.now(),
        receipt_id=str(uuid.uuid4()),
        backdated_reason=backdated_reason,
    )
    db.session.add(consent)
    db.session.flush()
    keys = []
    if content_type:
        assert upload is not None  # content_type is only set from an upload
        keys.append(_store_evidence(participant, consent, upload, content_type, user_id).storage_key)
    audit.record(
        "consent.recorded",
        object_type="consent",
        object_id=consent.id,
        participant_id=participant.id,
        user_id=user_id,
        detail={
            "purpose": purpose.code,
            "decision": decision,
            "method": method,
            "notice_id": notice.id,
            "evidence": bool(keys),
            "backdated": bool(backdated_reason),
        },
    )
    _commit_or_remove(*keys)
    return consent


def add_evidence(
    participant: Participant, consent: Consent, upload: Upload | None, user_id: int | None
) -> ConsentEvidence:
    """Attach a signed form to a consent already recorded (a form posted back after
    a verbal consent, say). The consent itself is not changed."""
    ensure_not_restricted(participant, Action.CONSENT_EVIDENCE, "adding evidence to a consent")
    if upload is None or not upload.content:
        raise Problems([Invalid("Select the signed consent form to upload", field="evidence")])
    try:
        content_type = check_evidence(upload)
    except Invalid as problem:
        raise Problems([problem]) from problem
    evidence = _store_evidence(participant, consent, upload, content_type, user_id)
    audit.record(
        "consent.evidence_added",
        object_type="consent_evidence",
        object_id=evidence.id,
        participant_id=participant.id,
        user_id=user_id,
        detail={"consent_id": consent.id},
    )
    _commit_or_remove(evidence.storage_key)
    return evidence


def evidence_download(consent: Consent, evidence: ConsentEvidence) -> Response:
    """The signed form itself as a download, its viewing audited (the route has
    checked that the viewer may see the full record)."""
    audit.record(
        "consent.evidence_viewed",
        object_type="consent_evidence",
        object_id=evidence.id,
        participant_id=evidence.participant_id,
        detail={"consent_id": consent.id},
    )
    db.session.commit()
    suffix = private_files.SUFFIXES[evidence.content_type]
    return private_files.response(
        evidence.storage_key, evidence.content_type, f"consent-{consent.id}-form-{evidence.id}{suffix}"
    )


def withdraw_consent(
    participant: Participant,
    consent: Consent,
    withdrawn_at: datetime | None,
    method: str,
    words: str,
    user_id: int | None,
) -> ConsentWithdrawal:
    """Record that the participant withdrew a consent: when and how they said so.
    It takes effect from that moment, so the very next action that needs it is
    refused. Allowed while the record is restricted (DESIGN.md rule 5)."""
    ensure_not_restricted(participant, Action.CONSENT_WITHDRAW, "withdrawing a consent")
    if consent.decision != "given":
        raise Problems([Invalid("Only a consent that was given can be withdrawn", field="method")])
    if consent.withdrawal is not None:
        raise Problems(
            [
                Invalid(
                    f"This consent was already withdrawn on {moment_text(consent.withdrawal.withdrawn_at)}",
                    field="method",
                )
            ]
        )
    in_force = verdict(participant, consent.purpose).in_force
    if not in_force:
        raise Problems(
            [Invalid("This consent is no longer in force: a later withdrawal or refusal ended it", field="method")]
        )
    if in_force[-1].id != consent.id:
        raise Problems([Invalid("A later decision replaced this consent: withdraw that one", field="method")])
    problems = []
    if method not in WITHDRAWAL_METHODS:
        problems.append(Invalid("Select how the participant told us", field="method"))
    try:
        words = clean_text(words, "what the participant said", MAX_WORDS)
    except Invalid as problem:
        problem.field = "words"
        problems.append(problem)
    try:
        withdrawn_at = _moment(
            withdrawn_at,
            "withdrawn_on",
            "the participant withdrew their consent",
            consent.decided_at,
            f"on or after the consent was given ({moment_text(consent.decided_at)})",
        )
    except Invalid as problem:
        problems.append(problem)
    if problems:
        raise Problems(problems)
    withdrawal = ConsentWithdrawal(
        org_id=participant.org_id,
        participant_id=participant.id,
        consent_id=consent.id,
        withdrawn_at=withdrawn_at,
        method=method,
        participant_words=words,
        recorded_by_id=user_id,
        recorded_by_position=_position(user_id),
        recorded_at=clock.now(),
    )
    db.session.add(withdrawal)
    db.session.flush()
    audit.record(
        "consent.withdrawn",
        object_type="consent",
        object_id=consent.id,
        participant_id=participant.id,
        user_id=user_id,
        detail={"purpose": consent.purpose.code, "method": method},
    )
    db.session.commit()
    db.session.refresh(consent)
    return withdrawal


# ----------------------------------------------------------------- receipts


def notice_for_form() -> PrivacyNotice | None:
    """The version to show (and read to the participant) when recording consent."""
    return privacy_notices.current_notice()
