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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from portal import audit, clock
from portal.consent import objections, privacy_notices

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.
# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.
from portal.consent.consent_rule import ConsentEvent, Verdict, renewal_rule, resolve
from portal.extensions import db
from portal.models import Consent, ConsentPurpose, Participant

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


def _history(participant: Participant, purpose_id: int | None = None) -> list[Consent]:
    stmt = select(Consent).where(Consent.org_id == participant.org_id, Consent.participant_id == participant.id)
    if purpose_id is not None:
        stmt = stmt.where(Consent.purpose_id == purpose_id)
    return list(db.session.scalars(stmt.order_by(Consent.decided_at.desc(), Consent.id.desc())).unique())


def verdict(participant: Participant, purpose: ConsentPurpose, at: datetime | None = None) -> Verdict:
    """The state of ``purpose`` for ``participant`` at ``at`` (now)."""
    return resolve(_history(participant, purpose.id), at or clock.now(), _renewal_check())


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
