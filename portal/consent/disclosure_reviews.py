"""The DPO's review list of disclosures already made that a check found questionable.

Like an emergency override (``portal.consent.emergency``), each item waits on the
DPO's review list (``/dpo/overrides``) until the DPO records a review: whether it
was a personal data breach (then recorded in the breach register, where the 72-hour
clock runs) or not, with notes. One-off checks put items there
(``consent_recheck.recheck_consent_disclosures``,
``rights_disclosure_check.recheck_identity_disclosures``): one row per disclosure and
kind of concern (a unique constraint), so running a check twice adds nothing twice.
"""

from sqlalchemy import select

from portal import audit, clock
from portal.extensions import db
from portal.models import Disclosure, DisclosureReview, EmergencyContact, User
from portal.models.disclosure import DISCLOSURE_REVIEW_KINDS, DISCLOSURE_REVIEW_OUTCOMES
from portal.validation import Invalid, Problems, clean_text


def flag(disclosure: Disclosure, kind: str, finding: str, found_by: str) -> DisclosureReview | None:
    """Put ``disclosure`` on the review list for ``kind`` (in the caller's
    transaction); None when it is already there for that kind."""
    if kind not in DISCLOSURE_REVIEW_KINDS:
        raise ValueError(f"unknown kind of disclosure review {kind!r}")
    existing = db.session.scalars(
        select(DisclosureReview).where(DisclosureReview.disclosure_id == disclosure.id, DisclosureReview.kind == kind)
    ).first()
    if existing is not None:
        return None
    item = DisclosureReview(
        org_id=disclosure.org_id,
        participant_id=disclosure.participant_id,
        disclosure_id=disclosure.id,
        kind=kind,
        finding=finding,
        found_by=found_by,
        found_at=clock.now(),
        review_notes="",
    )
    db.session.add(item)
    db.session.flush()
    return item


def awaiting_review() -> list[DisclosureReview]:
    """Every flagged disclosure not yet reviewed, oldest disclosure first."""
    return list(
        db.session.scalars(
            select(DisclosureReview)
            .join(Disclosure, Disclosure.id == DisclosureReview.disclosure_id)
            .where(DisclosureReview.reviewed_at.is_(None))
            .order_by(Disclosure.disclosed_at, DisclosureReview.id)
        )
    )


def reviewed(limit: int = 50) -> list[DisclosureReview]:
    return list(
        db.session.scalars(
            select(DisclosureReview)
            .where(DisclosureReview.reviewed_at.is_not(None))
            .order_by(DisclosureReview.reviewed_at.desc(), DisclosureReview.id.desc())
            .limit(limit)
        )
    )


def record_review(
    item: DisclosureReview | EmergencyContact,
    outcome: str,
    outcomes: dict[str, str],
    notes: str | None,
    user_id: int,
    what: str,
) -> None:
    """The DPO's review of an item on the review list (a flagged disclosure or an
    emergency override, ``what`` names it): an outcome of ``outcomes`` and notes,
    recorded once and only by a DPO; the item then leaves the list. The caller audits
    and commits."""
    user = db.session.get(User, user_id)
    if user is None or "dpo" not in user.all_roles():
        raise PermissionError(f"only the DPO reviews {what}")
    if item.reviewed_at is not None:
        raise Problems(
            [Invalid(f"This {what.removeprefix('a ').removeprefix('an ')} has already been reviewed", field="outcome")]
        )
    problems = []
    if outcome not in outcomes:
        problems.append(Invalid("Select the outcome of your review", field="outcome"))
    try:
        notes = clean_text(notes, "your review notes", 5000, required=True)
    except Invalid as problem:
        problem.field = "notes"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    assert notes is not None  # clean_text returned it (else a problem was raised above)
    item.reviewed_at = clock.now()
    item.reviewed_by_id = user_id
    db.session.expire(item, ["reviewed_by"])  # its joined relationship was loaded with the old value
    item.review_outcome = outcome
    item.review_notes = notes


def review(item: DisclosureReview, outcome: str, notes: str | None, user_id: int) -> DisclosureReview:
    """The DPO's review of a flagged disclosure: a breach or not, and notes."""
    record_review(item, outcome, DISCLOSURE_REVIEW_OUTCOMES, notes, user_id, "a flagged disclosure")
    audit.record(
        "disclosure_review.reviewed",
        object_type="disclosure_review",
        object_id=item.id,
        participant_id=item.participant_id,
        user_id=user_id,
        org_id=item.org_id,
        detail={"outcome": outcome, "kind": item.kind, "disclosure_id": item.disclosure_id},
    )
    db.session.commit()
    return item
