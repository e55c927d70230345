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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Response, current_app
from sqlalchemy import select

from portal import audit, clock, private_files
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import objections, privacy_notices
from portal.extensions import db
from portal.models import Consent, ConsentEvidence, ConsentPurpose, ConsentWithdrawal, Participant, PrivacyNotice, User
from portal.models.consent import BACKDATE_TOLERANCE, DECISIONS, METHODS, WITHDRAWAL_METHODS
from portal.validation import Invalid, Problems, clean_text

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.
DEFAULT_PURPOSES = (
    {
        "code": "gp_contact",
        "position": 1,
        "name": "GP or health practitioner contact",
        "description": "Your VRC may write to or speak with your GP or health practitioner, so that they have "
        "the full picture of your condition and are better equipped to support you.",
        "data_categories": [
            "Name, date of birth and contact details",
            "Health and wellbeing information",
            "Work obstacles and the support agreed on the programme",
        ],
        "recipients": "The participant’s GP or health practitioner",
    },
    {
        "code": "employer_contact",
        "position": 2,
        "name": "Employer contact",
        "description": "Your VRC may contact your employer to discuss the obstacles you are experiencing at work, "
        "and give them guidance on how they can support you, such as adjustments.",
        "data_categories": ["Name and contact details", "Work obstacles and adjustments", "Progress on the programme"],
        "recipients": "The participant’s employer",
    },
    {
        "code": "research_contact",
        "position": 3,
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
HOW_TO_WITHDRAW = (
    "You can withdraw your consent at any time, without giving a reason and without it affecting "
    "the support you receive: tell your VRC (or the out-of-hours service), who will update our "
    f"records at once, or write to the Data Protection Officer at {CONTROLLER['email']}."
)
RECEIPT_VERSION = "KI-CR-v1.1.0"

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


class ConsentRequired(Exception):
    """An action was refused because the consent it needs is not live. The message
    names the purpose and says why (never asked, refused, withdrawn, notice changed)."""

    def __init__(self, participant: Participant, purpose: ConsentPurpose | None, code: str, why: str):
        self.participant = participant
        self.purpose = purpose
        self.code = code
        name = purpose.name if purpose else code
        self.message = (
            f"This needs the participant’s consent to ‘{name}’ ({code}), and there is no live consent: {why}."
        )
        super().__init__(self.message)


def audit_refusal(error: ConsentRequired) -> None:
    """Discard what the refused request had begun and audit the refusal, naming the
    purpose whose consent was missing."""
    db.session.rollback()
    participant = error.participant
    audit.record_and_commit(
        "consent.required",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        outcome="refused",
        detail={"purpose": error.code},
    )


@dataclass
class Upload:
    """A file as the browser sent it: the name is kept for the record only."""

    filename: str
    content: bytes


@dataclass
class PurposeState:
    """A purpose's state for the participant's pages: ``latest`` is the decision in
    effect (the last to take effect), ``history`` every decision, newest first."""

    purpose: ConsentPurpose
    state: str  # not_asked | given | refused | withdrawn | renew | objected
    latest: Consent | None
    history: list[Consent] = field(default_factory=list)
    found: "Verdict | None" = None

    LABELS = {
        "not_asked": "Not asked",
        "given": "Given",
        "refused": "Refused",
        "withdrawn": "Withdrawn",
        "renew": "Ask again: the privacy notice changed",
        "objected": "Not live: the participant objected to research contact",
    }

    @property
    def live(self) -> bool:
        return self.state == "given"

    @property
    def label(self) -> str:
        return self.LABELS[self.state]

    @property
    def since(self) -> datetime | None:
        """When the current state began (a withdrawal: when it took effect)."""
        return self.found.since if self.found is not None else None

    @property
    def withdrawable(self) -> Consent | None:
        """The decision to withdraw while a consent is in force (live, or waiting to
        be asked again), else None."""
        if self.found is None or not self.found.in_force:
            return None
        return self.found.in_force[-1]


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
    return list(
        db.session.scalars(
            select(ConsentPurpose)
            .where(ConsentPurpose.active.is_(True))
            .order_by(ConsentPurpose.position, ConsentPurpose.id)
        )
    )


def purpose_by_code(code: str) -> ConsentPurpose | None:
    return db.session.scalars(select(ConsentPurpose).where(ConsentPurpose.code == code)).first()


# ----------------------------------------------------------------- state
#
# The one rule (DESIGN.md rule 2). A purpose's state at a moment is a pure function
# of its whole event history: every decision (given or refused) and every withdrawal
# that had taken effect by then, in the order each took effect, ties broken by when
# each was recorded. A decision starts a state; a withdrawal ends every decision
# dated before it, whatever is recorded later (a "given" back-dated to before a
# withdrawal never brings the consent back). ``resolve`` is that function; every
# reader (the gates, the pages, the disclosures register, the receipts, the one-off
# check) goes through ``verdict`` or ``verdicts_of``, which feed it.


@dataclass(frozen=True)
class ConsentEvent:
    """One step of a purpose's history: a decision, or the withdrawal of one."""

    effective_at: datetime
    recorded_at: datetime
    consent: Consent
    withdrawal: ConsentWithdrawal | None = None

    @property
    def order(self) -> tuple[datetime, datetime, bool, int]:
        # A decision and a withdrawal recorded at the same instant: the decision first
        # (a withdrawal can only name a decision already recorded).
        return (
            self.effective_at,
            self.recorded_at,
            self.withdrawal is not None,
            self.withdrawal.id if self.withdrawal is not None else self.consent.id,
        )


@dataclass(frozen=True)
class Verdict:
    """A purpose's state at ``at``.

    ``current``: the decision in effect (the last to take effect), if any;
    ``in_force``: the "given" decisions no withdrawal or refusal has ended since;
    ``live``: those of them still live (not given under a notice version that asks
    everyone again); ``ended_by``: the withdrawal that ended the consent, when the
    state is ``withdrawn``; ``since``: when the state began.
    """

    state: str  # not_asked | given | refused | withdrawn | renew
    at: datetime
    current: Consent | None = None
    in_force: tuple[Consent, ...] = ()
    live: tuple[Consent, ...] = ()
    ended_by: ConsentWithdrawal | None = None
    since: datetime | None = None
    # For each decision no longer in force: the event that ended it.
    ended: dict[int, ConsentEvent] = field(default_factory=dict)

    @property
    def live_consent(self) -> Consent | None:
        """The consent an action relies on: the latest live decision."""
        return self.live[-1] if self.live else None


def events_of(decisions: Iterable[Consent]) -> list[ConsentEvent]:
    """The history of one purpose as events, in the order they took effect."""
    events = []
    for consent in decisions:
        events.append(ConsentEvent(consent.decided_at, consent.recorded_at, consent))
        if consent.withdrawal is not None:
            events.append(
                ConsentEvent(
                    consent.withdrawal.withdrawn_at, consent.withdrawal.recorded_at, consent, consent.withdrawal
                )
            )
    return sorted(events, key=lambda e: e.order)


def resolve(decisions: Iterable[Consent], at: datetime, needs_renewal: Callable[[Consent, datetime], bool]) -> Verdict:
    """THE rule: the state of one purpose at ``at`` from its whole history (every
    decision about it and their withdrawals, whatever order they were recorded in).
    ``needs_renewal(consent, at)`` says whether a later notice version asks everyone
    again. Pure: it reads nothing but its arguments."""
    state, current, since, ended_by = "not_asked", None, None, None
    in_force: list[Consent] = []
    ended: dict[int, ConsentEvent] = {}
    for event in events_of(decisions):
        if event.effective_at > at:
            break
        if event.withdrawal is None:
            current, since = event.consent, event.effective_at
            if event.consent.decision == "given":
                state, ended_by = "given", None
                in_force.append(event.consent)
            else:
                for consent in in_force:
                    ended[consent.id] = event
                state, in_force = "refused", []
        elif in_force:
            # A withdrawal ends every decision dated before it.
            for consent in in_force:
                ended[consent.id] = event
            state, in_force, since, ended_by = "withdrawn", [], event.effective_at, event.withdrawal
    live = tuple(c for c in in_force if not needs_renewal(c, at))
    if state == "given" and not live:
        state = "renew"
    return Verdict(state, at, current, tuple(in_force), live, ended_by, since, ended)


def _history(participant: Participant, purpose_id: int | None = None) -> list[Consent]:
    stmt = select(Consent).where(Consent.org_id == participant.org_id, Consent.participant_id == participant.id)
    if purpose_id is not None:
        stmt = stmt.where(Consent.purpose_id == purpose_id)
    return list(db.session.scalars(stmt.order_by(Consent.decided_at.desc(), Consent.id.desc())).unique())


def verdict(participant: Participant, purpose: ConsentPurpose, at: datetime | None = None) -> Verdict:
    """The state of ``purpose`` for ``participant`` at ``at`` (now)."""
    return resolve(_history(participant, purpose.id), at or clock.now(), _renewal_check())


def renewal_rule(published: Iterable[PrivacyNotice]) -> Callable[[Consent, datetime], bool]:
    """Pure: given the published notice versions, whether a consent given under its
    version must be asked again at a moment: a version in force then, newer than the
    one the participant saw, asks everyone again (``reconsent_required``)."""
    ordered = sorted(published, key=privacy_notices.notice_order, reverse=True)

    def needs_renewal(consent: Consent, at: datetime) -> bool:
        today = clock.local(at).date()
        in_force = next((n for n in ordered if n.published_on <= today), None)
        if in_force is None:
            return False
        seen = privacy_notices.notice_order(consent.notice)
        for notice in ordered:
            if notice.published_on > in_force.published_on:
                continue
            if privacy_notices.notice_order(notice) <= seen:
                break
            if notice.reconsent_required:
                return True
        return False

    return needs_renewal


def _renewal_check() -> Callable[[Consent, datetime], bool]:
    """``renewal_rule`` over the published versions, read once."""
    return renewal_rule(privacy_notices.published_notices())


def _renewal_needed(consent: Consent, at: datetime) -> bool:
    """Whether ``consent`` must be asked again at ``at`` (``renewal_rule``)."""
    return _renewal_check()(consent, at)


def consent_live_at(consent: Consent, at: datetime | None = None) -> bool:
    """Whether ``consent`` was (is) a live consent at ``at``: given, in force (no
    withdrawal or refusal dated between it and ``at``) and not asked again."""
    participant = db.session.get(Participant, consent.participant_id)
    assert participant is not None  # consent.participant_id is a foreign key to the participant
    return consent.id in {c.id for c in verdict(participant, consent.purpose, at).live}


def decision_state(consent: Consent, at: datetime | None = None) -> tuple[str, ConsentEvent | None]:
    """One decision's own state at ``at`` (for its receipt): ``given`` while it is
    live, ``refused``, ``renew``, or ``withdrawn`` with the event that ended it (a
    withdrawal, or a later refusal)."""
    participant = db.session.get(Participant, consent.participant_id)
    assert participant is not None  # consent.participant_id is a foreign key to the participant
    found = verdict(participant, consent.purpose, at)
    if consent.decision == "refused":
        return "refused", None
    if consent.id in {c.id for c in found.live}:
        return "given", None
    if consent.id in {c.id for c in found.in_force}:
        return "renew", None
    return "withdrawn", found.ended.get(consent.id)


def _objects_to_research(participant: Participant) -> bool:
    """UK GDPR Art. 21: an objection recorded through a rights request outweighs any
    consent to identifiable research contact (``portal.consent.objections``)."""
    return objections.objects_to(participant.id, "research")


def live_consent(participant: Participant, purpose_code: str, at: datetime | None = None) -> Consent | None:
    """The participant's live consent to ``purpose_code`` at ``at`` (now), or None."""
    at = at or clock.now()
    if purpose_code == "research_contact" and _objects_to_research(participant):
        return None
    purpose = purpose_by_code(purpose_code)
    if purpose is None:
        return None
    return verdict(participant, purpose, at).live_consent


def live_consents(
    participants: Iterable[Participant], purpose_code: str, at: datetime | None = None
) -> dict[int, Consent]:
    """``live_consent`` for the participants of a list at once: the live consent of each
    one that has one, by participant id. The same rule (``resolve`` over each one's
    whole history, research objectors left out), in a number of queries that does not
    grow with the list: the histories are read together and each notice version is
    checked for renewal once."""
    at = at or clock.now()
    purpose = purpose_by_code(purpose_code)
    ids = {p.id for p in participants}
    if purpose is None or not ids:
        return {}
    if purpose_code == "research_contact":
        ids -= objections.objectors(ids, "research")
    histories: dict[int, list[Consent]] = {}
    for consent in db.session.scalars(
        select(Consent).where(Consent.participant_id.in_(ids), Consent.purpose_id == purpose.id)
    ).unique():
        histories.setdefault(consent.participant_id, []).append(consent)
    renewal: dict[tuple[int, datetime], bool] = {}

    def needs_renewal(consent: Consent, moment: datetime) -> bool:
        key = (consent.notice_id, moment)
        if key not in renewal:
            renewal[key] = _renewal_needed(consent, moment)
        return renewal[key]

    found = {pid: resolve(history, at, needs_renewal).live_consent for pid, history in histories.items()}
    return {pid: consent for pid, consent in found.items() if consent is not None}


def require_live_consent(participant: Participant, purpose_code: str, at: datetime | None = None) -> Consent:
    """The live consent the action relies on, or ``ConsentRequired`` naming the
    purpose and why there is none. Call it inside the action's own transaction."""
    at = at or clock.now()
    purpose = purpose_by_code(purpose_code)
    if purpose is None:
        raise ConsentRequired(participant, None, purpose_code, "this purpose does not exist")
    if purpose_code == "research_contact" and _objects_to_research(participant):
        raise ConsentRequired(participant, purpose, purpose_code, "the participant objected to research contact")
    found = verdict(participant, purpose, at)
    if found.state == "given":
        assert found.live_consent is not None  # "given" has a live decision (else the state is "renew")
        return found.live_consent
    if found.state == "not_asked":
        why = "the participant has not been asked"
    elif found.state == "refused":
        assert found.current is not None  # the refusal in effect
        why = f"the participant refused it on {moment_text(found.current.decided_at)}"
    elif found.state == "withdrawn":
        assert found.ended_by is not None  # "withdrawn" names the withdrawal that ended it
        why = f"the participant withdrew it on {moment_text(found.ended_by.withdrawn_at)}"
        if (
            found.current is not None
            and found.current.decided_at < found.ended_by.withdrawn_at
            and found.current.withdrawal is None
        ):
            why += (
                f", and a withdrawal ends every decision dated before it (including the one dated "
                f"{moment_text(found.current.decided_at)}): record a new decision dated when they gave it again"
            )
    else:
        why = (
            f"it was given under privacy notice version {found.in_force[-1].notice.version}, and a later "
            "version asks every participant again"
        )
    raise ConsentRequired(participant, purpose, purpose_code, why)


def moment_text(moment: datetime) -> str:
    local = clock.local(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def consents_of(participant: Participant) -> list[Consent]:
    """Every decision the participant made, newest first (the full history)."""
    return _history(participant)


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
    objects = _objects_to_research(participant)
    needs_renewal = _renewal_check()
    states = []
    for purpose in purposes:
        mine = [c for c in history if c.purpose_id == purpose.id]
        found = resolve(mine, at, needs_renewal)
        state = found.state
        if state == "given" and purpose.code == "research_contact" and objects:
            state = "objected"  # the objection outweighs the consent (``live_consent``)
        states.append(PurposeState(purpose, state, found.current, mine, found))
    return states


def latest_decision(participant: Participant, purpose_id: int) -> Consent | None:
    """The decision currently in effect for the purpose (the last to take effect)."""
    purpose = db.session.get(ConsentPurpose, purpose_id)
    return verdict(participant, purpose).current if purpose is not None else None


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


def receipt(consent: Consent, participant: Participant, organisation_name: str) -> dict[str, Any]:
    """The consent receipt, its fields modelled on the Kantara Initiative Consent
    Receipt (v1.1) and ISO/IEC TS 27560 consent records."""
    purpose = consent.purpose
    state, ended_by = decision_state(consent)
    if ended_by is None:
        ended_at, ended_how = None, ""
    elif ended_by.withdrawal is not None:
        ended_at, ended_how = ended_by.effective_at, ended_by.withdrawal.method_label
    else:
        ended_at, ended_how = ended_by.effective_at, "by a later refusal"
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
        "state": state,
        "withdrawn_at": ended_at,
        "withdrawal_method": ended_how,
        "backdated_reason": consent.backdated_reason if consent.backdated else "",
        "how_to_withdraw": HOW_TO_WITHDRAW,
    }


def notice_for_form() -> PrivacyNotice | None:
    """The version to show (and read to the participant) when recording consent."""
    return privacy_notices.current_notice()
