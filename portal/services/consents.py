"""Per-purpose consent: recording, evidence, withdrawal, and whether it is live.

DESIGN.md rule 2 and the notice's promises: "Where we need your agreement to process
your information, for example, contacting your employer, we will ask you to give
your consent first ... recorded on our systems for tracking and audit purposes";
"you have the right to withdraw your consent at any time".

The state of a purpose for a participant is decided by the latest decision they
made about it (by when they made it):

- no record: not asked;
- refused: not live;
- given, withdrawn at or before the moment asked about: not live (a withdrawal takes
  effect at once: from the time the participant said so);
- given under a notice version older than a version in force that asks everyone
  again (``reconsent_required``): not live until asked again;
- otherwise: live.

Records are never changed: a new decision is a new ``Consent``, a withdrawal a
``ConsentWithdrawal``, a signed form a ``ConsentEvidence``. Actions that need a
purpose call ``require_live_consent`` in their own transaction, at the moment they
share, so a withdrawal recorded a second earlier refuses the next action.
"""
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal import audit, clock
from portal.extensions import db
from portal.models import (
    Consent, ConsentEvidence, ConsentPurpose, ConsentWithdrawal, Participant, PrivacyNotice, User,
)
from portal.models.consent import DECISIONS, METHODS, WITHDRAWAL_METHODS
from portal.services import private_files, privacy_notices
from portal.services.participant_access import ensure_not_restricted
from portal.services.validation import Invalid, Problems, clean_text

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.
DEFAULT_PURPOSES = (
    {
        "code": "gp_contact", "position": 1,
        "name": "GP or health practitioner contact",
        "description": "Your VRC may write to or speak with your GP or health practitioner, so that they have "
                       "the full picture of your condition and are better equipped to support you.",
        "data_categories": ["Name, date of birth and contact details", "Health and wellbeing information",
                            "Work obstacles and the support agreed on the programme"],
        "recipients": "The participant’s GP or health practitioner",
    },
    {
        "code": "employer_contact", "position": 2,
        "name": "Employer contact",
        "description": "Your VRC may contact your employer to discuss the obstacles you are experiencing at work, "
                       "and give them guidance on how they can support you, such as adjustments.",
        "data_categories": ["Name and contact details", "Work obstacles and adjustments",
                            "Progress on the programme"],
        "recipients": "The participant’s employer",
    },
    {
        "code": "research_contact", "position": 3,
        "name": "Identifiable research contact",
        "description": "Ingeus UK, or a research organisation working for it, may contact you to take part in "
                       "research where you can be identified, such as focus groups or feedback forms.",
        "data_categories": ["Name and contact details", "Participation in the programme"],
        "recipients": "Ingeus UK and research organisations commissioned by it",
    },
)

# The controller as the notice names it (receipts, letters).
CONTROLLER = {
    "name": "Ingeus UK Ltd",
    "address": "66-68 East Smithfield, Royal Pharmaceutical Building, London, E1W 1AW",
    "email": "DataProtectionOfficer@ingeus.co.uk",
    "joint": "the Department for Work and Pensions (DWP)",
}
HOW_TO_WITHDRAW = ("You can withdraw your consent at any time, without giving a reason and without it affecting "
                   "the support you receive: tell your VRC (or the out-of-hours service), who will update our "
                   f"records at once, or write to the Data Protection Officer at {CONTROLLER['email']}.")
RECEIPT_VERSION = "KI-CR-v1.1.0"

# Evidence: a signed form, checked by its content (its first bytes), never its name.
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
_PROGRAM_SIGNATURES = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe",
                       b"PK\x03\x04")
DEFAULT_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
MAX_WORDS = 2000


class ConsentRequired(Exception):
    """An action was refused because the consent it needs is not live. The message
    names the purpose and says why (never asked, refused, withdrawn, notice changed)."""

    def __init__(self, participant: Participant, purpose: ConsentPurpose | None, code: str, why: str):
        self.participant = participant
        self.purpose = purpose
        self.code = code
        name = purpose.name if purpose else code
        self.message = (f"This needs the participant’s consent to ‘{name}’ ({code}), and there is no live consent: "
                        f"{why}.")
        super().__init__(self.message)


@dataclass
class Upload:
    """A file as the browser sent it: the name is kept for the record only."""
    filename: str
    content: bytes


@dataclass
class PurposeState:
    purpose: ConsentPurpose
    state: str  # not_asked | given | refused | withdrawn | renew
    latest: Consent | None
    history: list[Consent] = field(default_factory=list)

    LABELS = {"not_asked": "Not asked", "given": "Given", "refused": "Refused", "withdrawn": "Withdrawn",
              "renew": "Ask again: the privacy notice changed"}

    @property
    def live(self) -> bool:
        return self.state == "given"

    @property
    def label(self) -> str:
        return self.LABELS[self.state]


# ----------------------------------------------------------------- purposes

def ensure_default_purposes() -> list[ConsentPurpose]:
    """Add whichever of the default purposes is missing (idempotent)."""
    existing = {p.code for p in db.session.scalars(select(ConsentPurpose))}
    for values in DEFAULT_PURPOSES:
        if values["code"] not in existing:
            db.session.add(ConsentPurpose(active=True, **values))
    db.session.commit()
    return active_purposes()


def active_purposes() -> list[ConsentPurpose]:
    return list(db.session.scalars(select(ConsentPurpose).where(ConsentPurpose.active.is_(True))
                                   .order_by(ConsentPurpose.position, ConsentPurpose.id)))


def purpose_by_code(code: str) -> ConsentPurpose | None:
    return db.session.scalars(select(ConsentPurpose).where(ConsentPurpose.code == code)).first()


# ----------------------------------------------------------------- state

def _decisions(participant: Participant, purpose_id: int | None = None, at: datetime | None = None):
    stmt = select(Consent).where(Consent.org_id == participant.org_id, Consent.participant_id == participant.id)
    if purpose_id is not None:
        stmt = stmt.where(Consent.purpose_id == purpose_id)
    if at is not None:
        stmt = stmt.where(Consent.decided_at <= at)
    return stmt.order_by(Consent.decided_at.desc(), Consent.id.desc())


def _renewal_needed(consent: Consent, at: datetime) -> bool:
    """A version in force at ``at`` newer than the one the participant saw asks
    everyone again."""
    in_force = privacy_notices.current_notice(clock.local(at).date())
    if in_force is None:
        return False
    seen = privacy_notices.notice_order(consent.notice)
    for notice in privacy_notices.published_notices():
        if notice.published_on > in_force.published_on:
            continue
        if privacy_notices.notice_order(notice) <= seen:
            break
        if notice.reconsent_required:
            return True
    return False


def state_of(consent: Consent | None, at: datetime | None = None) -> str:
    """The state a purpose is in when ``consent`` is its latest decision."""
    at = at or clock.now()
    if consent is None:
        return "not_asked"
    if consent.decision == "refused":
        return "refused"
    if consent.withdrawal is not None and consent.withdrawal.withdrawn_at <= at:
        return "withdrawn"
    if _renewal_needed(consent, at):
        return "renew"
    return "given"


def _objects_to_research(participant: Participant) -> bool:
    """UK GDPR Art. 21: an objection recorded through a rights request outweighs any
    consent to identifiable research contact (portal.services.rights_workflows)."""
    from portal.services.rights_workflows import objects_to

    return objects_to(participant.id, "research")


def live_consent(participant: Participant, purpose_code: str, at: datetime | None = None) -> Consent | None:
    """The participant's live consent to ``purpose_code`` at ``at`` (now), or None."""
    at = at or clock.now()
    if purpose_code == "research_contact" and _objects_to_research(participant):
        return None
    purpose = purpose_by_code(purpose_code)
    if purpose is None:
        return None
    latest = db.session.scalars(_decisions(participant, purpose.id, at)).first()
    return latest if state_of(latest, at) == "given" else None


def require_live_consent(participant: Participant, purpose_code: str, at: datetime | None = None) -> Consent:
    """The live consent the action relies on, or ``ConsentRequired`` naming the
    purpose and why there is none. Call it inside the action's own transaction."""
    at = at or clock.now()
    purpose = purpose_by_code(purpose_code)
    if purpose is None:
        raise ConsentRequired(participant, None, purpose_code, "this purpose does not exist")
    if purpose_code == "research_contact" and _objects_to_research(participant):
        raise ConsentRequired(participant, purpose, purpose_code, "the participant objected to research contact")
    latest = db.session.scalars(_decisions(participant, purpose.id, at)).first()
    state = state_of(latest, at)
    if state == "given":
        return latest
    if state == "not_asked":
        why = "the participant has not been asked"
    elif state == "refused":
        why = f"the participant refused it on {_when(latest.decided_at)}"
    elif state == "withdrawn":
        why = f"the participant withdrew it on {_when(latest.withdrawal.withdrawn_at)}"
    else:
        why = (f"it was given under privacy notice version {latest.notice.version}, and a later version asks "
               "every participant again")
    raise ConsentRequired(participant, purpose, purpose_code, why)


def _when(moment: datetime) -> str:
    local = clock.local(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def consents_of(participant: Participant) -> list[Consent]:
    """Every decision the participant made, newest first (the full history)."""
    return list(db.session.scalars(_decisions(participant)))


def purpose_states(participant: Participant, at: datetime | None = None) -> list[PurposeState]:
    """Each purpose's current state and its full history, for the participant's page."""
    at = at or clock.now()
    history = consents_of(participant)
    purposes = active_purposes()
    seen = {p.id for p in purposes}
    for consent in history:  # a purpose no longer offered still shows its history
        if consent.purpose_id not in seen:
            seen.add(consent.purpose_id)
            purposes.append(consent.purpose)
    states = []
    for purpose in purposes:
        mine = [c for c in history if c.purpose_id == purpose.id]
        current = next((c for c in mine if c.decided_at <= at), None)
        states.append(PurposeState(purpose, state_of(current, at), current, mine))
    return states


def latest_decision(participant: Participant, purpose_id: int) -> Consent | None:
    return db.session.scalars(_decisions(participant, purpose_id)).first()


# ----------------------------------------------------------------- evidence

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
        raise Invalid("The selected file is a program or an archive, whatever its name says: upload the signed "
                      "form as a PDF, PNG or JPEG", field="evidence")
    raise Invalid("The selected file must be a PDF, PNG or JPEG", field="evidence")


def _store_evidence(participant: Participant, consent: Consent, upload: Upload, content_type: str,
                    user_id) -> ConsentEvidence:
    stored = private_files.store("consent_evidence", upload.content, content_type)
    evidence = ConsentEvidence(
        org_id=participant.org_id, participant_id=participant.id, consent_id=consent.id, storage_key=stored.key,
        content_type=content_type, size_bytes=stored.size, sha256=stored.sha256,
        original_filename=(upload.filename or "")[-255:], uploaded_by_id=user_id, uploaded_at=clock.now(),
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def _commit_or_remove(*keys) -> None:
    """Commit; if that fails, remove the files written for it (nothing half-done)."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in keys:
            private_files.delete(key)
        raise


# ----------------------------------------------------------------- recording

def _position(user_id) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.position if user else ""


def _moment(value, field_name: str, label: str, not_before: datetime | None, not_before_text: str) -> datetime:
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


def record_consent(participant: Participant, purpose_code: str, decision: str, method: str, words: str,
                   decided_at: datetime | None, notice_id, upload: Upload | None, user_id) -> Consent:
    """Record a participant's decision about one purpose: given or refused, verbally
    (their words) or in writing (the signed form), under the current notice version,
    which the page showed them (``notice_id``). Refused while the record is
    restricted. Refusing a purpose whose consent is live is a withdrawal instead."""
    ensure_not_restricted(participant, "consent.record", "recording a consent")
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
        decided_at = _moment(decided_at, "decided_on", "the participant decided", participant.referred_at,
                             "on or after the referral")
    except Invalid as problem:
        problems.append(problem)
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
        problems.append(Invalid("No privacy notice has been published: the Data Protection Officer must publish "
                                "one before consent can be recorded", field="decision"))
    elif str(notice_id or "") != str(notice.id):
        problems.append(Invalid(f"Version {notice.version} of the privacy notice is now in force: read or give it "
                                "to the participant, then record their decision", field="decision"))
    if purpose is not None and decision == "refused" and not problems and live_consent(participant, purpose.code):
        problems.append(Invalid("The participant’s consent for this purpose is live: to record that they changed "
                                "their mind, withdraw it", field="decision"))
    if problems:
        raise Problems(problems)

    consent = Consent(
        org_id=participant.org_id, participant_id=participant.id, purpose_id=purpose.id, decision=decision,
        method=method, participant_words=words, notice_id=notice.id, decided_at=decided_at,
        recorded_by_id=user_id, recorded_by_position=_position(user_id), recorded_at=clock.now(),
        receipt_id=str(uuid.uuid4()),
    )
    db.session.add(consent)
    db.session.flush()
    keys = []
    if content_type:
        keys.append(_store_evidence(participant, consent, upload, content_type, user_id).storage_key)
    audit.record("consent.recorded", object_type="consent", object_id=consent.id, participant_id=participant.id,
                 user_id=user_id, detail={"purpose": purpose.code, "decision": decision, "method": method,
                                          "notice_id": notice.id, "evidence": bool(keys)})
    _commit_or_remove(*keys)
    return consent


def add_evidence(participant: Participant, consent: Consent, upload: Upload | None, user_id) -> ConsentEvidence:
    """Attach a signed form to a consent already recorded (a form posted back after
    a verbal consent, say). The consent itself is not changed."""
    ensure_not_restricted(participant, "consent.evidence", "adding evidence to a consent")
    if upload is None or not upload.content:
        raise Problems([Invalid("Select the signed consent form to upload", field="evidence")])
    try:
        content_type = check_evidence(upload)
    except Invalid as problem:
        raise Problems([problem])
    evidence = _store_evidence(participant, consent, upload, content_type, user_id)
    audit.record("consent.evidence_added", object_type="consent_evidence", object_id=evidence.id,
                 participant_id=participant.id, user_id=user_id, detail={"consent_id": consent.id})
    _commit_or_remove(evidence.storage_key)
    return evidence


def withdraw_consent(participant: Participant, consent: Consent, withdrawn_at: datetime | None, method: str,
                     words: str, user_id) -> ConsentWithdrawal:
    """Record that the participant withdrew a consent: when and how they said so.
    It takes effect from that moment, so the very next action that needs it is
    refused. Allowed while the record is restricted (DESIGN.md rule 5)."""
    ensure_not_restricted(participant, "consent.withdraw", "withdrawing a consent")
    if consent.decision != "given":
        raise Problems([Invalid("Only a consent that was given can be withdrawn", field="method")])
    if consent.withdrawal is not None:
        raise Problems([Invalid(f"This consent was already withdrawn on {_when(consent.withdrawal.withdrawn_at)}",
                                field="method")])
    latest = latest_decision(participant, consent.purpose_id)
    if latest is not None and latest.id != consent.id:
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
        withdrawn_at = _moment(withdrawn_at, "withdrawn_on", "the participant withdrew their consent",
                               consent.decided_at, f"on or after the consent was given ({_when(consent.decided_at)})")
    except Invalid as problem:
        problems.append(problem)
    if problems:
        raise Problems(problems)
    withdrawal = ConsentWithdrawal(
        org_id=participant.org_id, participant_id=participant.id, consent_id=consent.id, withdrawn_at=withdrawn_at,
        method=method, participant_words=words, recorded_by_id=user_id, recorded_by_position=_position(user_id),
        recorded_at=clock.now(),
    )
    db.session.add(withdrawal)
    db.session.flush()
    audit.record("consent.withdrawn", object_type="consent", object_id=consent.id, participant_id=participant.id,
                 user_id=user_id, detail={"purpose": consent.purpose.code, "method": method})
    db.session.commit()
    db.session.refresh(consent)
    return withdrawal


# ----------------------------------------------------------------- receipts

def receipt(consent: Consent, participant: Participant, organisation_name: str) -> dict:
    """The consent receipt, its fields modelled on the Kantara Initiative Consent
    Receipt (v1.1) and ISO/IEC TS 27560 consent records."""
    purpose = consent.purpose
    withdrawal = consent.withdrawal
    return {
        "receipt_id": consent.receipt_id,
        "version": RECEIPT_VERSION,
        "jurisdiction": "United Kingdom (UK GDPR, Data Protection Act 2018)",
        "language": "English",
        "consent_timestamp": consent.decided_at,
        "recorded_timestamp": consent.recorded_at,
        "collection_method": consent.method_label,
        "recorded_by": consent.recorded_by.name if consent.recorded_by else "",
        "recorded_by_position": consent.recorded_by_position,
        "organisation": organisation_name,
        "principal_id": participant.atw_reference,
        "principal_name": participant.name,
        "controller": CONTROLLER,
        "notice_version": consent.notice.version,
        "notice_published_on": consent.notice.published_on,
        "service": "Access to Work Mental Health Support Service",
        "purpose_code": purpose.code,
        "purpose_name": purpose.name,
        "purpose_description": purpose.description,
        "consent_type": "Explicit",
        "decision": consent.decision_label,
        "data_categories": list(purpose.data_categories or []),
        "sensitive": any("health" in c.lower() for c in purpose.data_categories or []),
        "recipients": purpose.recipients,
        "termination": "Until you withdraw it",
        "state": state_of(consent),
        "withdrawn_at": withdrawal.withdrawn_at if withdrawal else None,
        "withdrawal_method": withdrawal.method_label if withdrawal else "",
        "how_to_withdraw": HOW_TO_WITHDRAW,
    }


def notice_for_form() -> PrivacyNotice | None:
    """The version to show (and read to the participant) when recording consent."""
    return privacy_notices.current_notice()
