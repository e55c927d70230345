"""Quarterly access reviews (issue 10, DESIGN.md rule 9).

Each quarter an organisation's admin confirms, for every active account of the
organisation, that it still needs its roles there, or removes them. The review is
recorded: who, when, and each account's decision (the roles held, kept or removed).

When a review is overdue (shown on the lead admin's pages): an organisation with no
completed review in the current calendar quarter once ``GRACE_DAYS`` (30) days of the
quarter have passed. So the Q4 review (October to December) is due by 30 October and
overdue from 31 October until one is completed; from 1 January the Q1 review is due.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select

from portal import audit, clock, notifications
from portal.extensions import db
from portal.models import AccessReview, AccessReviewDecision, Membership, Organisation, User
from portal.validation import Invalid, Problems

GRACE_DAYS = 30


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def due_by(day: date) -> date:
    """The last day of the grace period of ``day``'s quarter."""
    return quarter_start(day) + timedelta(days=GRACE_DAYS - 1)


def latest_review(org: Organisation) -> AccessReview | None:
    return db.session.scalars(
        select(AccessReview)
        .where(AccessReview.org_id == org.id)
        .order_by(AccessReview.completed_at.desc(), AccessReview.id.desc())
        .limit(1)
    ).first()


def is_overdue(org: Organisation, today: date | None = None) -> bool:
    today = today or clock.today()
    if today <= due_by(today):
        return False
    latest = latest_review(org)
    return latest is None or clock.local(latest.completed_at).date() < quarter_start(today)


@dataclass
class OrgReviewStatus:
    org: Organisation
    latest: AccessReview | None
    overdue: bool
    done_this_quarter: bool


def statuses(orgs: Iterable[Organisation], today: date | None = None) -> list[OrgReviewStatus]:
    today = today or clock.today()
    result = []
    for org in orgs:
        latest = latest_review(org)
        done = latest is not None and clock.local(latest.completed_at).date() >= quarter_start(today)
        result.append(OrgReviewStatus(org, latest, is_overdue(org, today), done))
    return result


def accounts(org: Organisation) -> list[tuple[User, list[str]]]:
    """Every active account with a role in ``org``, with its roles there."""
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id, User.active.is_(True))
        .distinct()
        .order_by(User.name, User.id)
    ).all()
    return [(u, sorted(u.roles_in(org.id))) for u in users]


def audit_view(org: Organisation, rows: list[tuple[User, list[str]]]) -> None:
    """Opening an organisation's access review is audited, naming each account shown (rule 10)."""
    audit.record(
        "access_review.viewed",
        object_type="organisation",
        object_id=org.id,
        org_id=org.id,
        detail={"user_ids": [u.id for u, _ in rows]},
    )
    db.session.commit()


def record_review(
    org: Organisation, actor: User, decisions: Mapping[int, tuple[str | None, Sequence[str] | None]]
) -> AccessReview:
    """``decisions`` maps each account's id to ``("keep", [])`` or ``("remove", [roles])``.
    Every active account must be decided. Removing all of an account's roles is refused
    when they are its only roles anywhere (deactivate the account instead); nobody
    removes their own roles. Every decision is checked before anything changes; the
    review, the removals and their audit events commit together."""
    problems = []
    rows = accounts(org)
    plan = []
    for user, roles in rows:
        decision, remove = decisions.get(user.id, (None, []))
        field = f"account_{user.id}"
        if decision not in ("keep", "remove"):
            problems.append(Invalid(f"Select whether {user.name} still needs their roles", field=field))
            continue
        remove = sorted(set(remove or []) & set(roles))
        if decision == "remove":
            if not remove:
                problems.append(Invalid(f"Select which roles to remove from {user.name}", field=field))
                continue
            if user.id == actor.id:
                problems.append(Invalid("You cannot remove your own roles: ask another admin", field=field))
                continue
            if len(user.memberships) <= len(remove):
                problems.append(
                    Invalid(
                        f"These are {user.name}’s only roles: to stop them using the portal, "
                        "deactivate the account on the staff pages",
                        field=field,
                    )
                )
                continue
        plan.append((user, roles, decision, remove if decision == "remove" else []))
    if not rows:
        problems.append(Invalid("This organisation has no active accounts to review", field=None))
    if problems:
        raise Problems(problems)
    now = clock.now()
    review = AccessReview(org_id=org.id, quarter=quarter_of(clock.today()), reviewed_by_id=actor.id, completed_at=now)
    db.session.add(review)
    db.session.flush()
    for user, roles, decision, remove in plan:
        db.session.add(
            AccessReviewDecision(
                review_id=review.id, user_id=user.id, roles=roles, decision=decision, removed_roles=remove
            )
        )
        for role in remove:
            db.session.execute(
                delete(Membership).where(
                    Membership.user_id == user.id, Membership.org_id == org.id, Membership.role == role
                )
            )
            audit.record(
                "staff.role_removed",
                object_type="user",
                object_id=user.id,
                org_id=org.id,
                user_id=actor.id,
                detail={"role": role, "access_review_id": review.id},
            )
        if remove:
            notifications.notify(
                user.id,
                "staff.role_removed",
                f"After the quarterly access review, roles in {org.name} were removed from your account",
                "/",
                email_subject="Your roles in the partner portal have changed",
            )
    audit.record(
        "access_review.completed",
        object_type="access_review",
        object_id=review.id,
        org_id=org.id,
        user_id=actor.id,
        detail={"accounts": len(plan), "removed": sum(1 for p in plan if p[2] == "remove")},
    )
    db.session.commit()
    for user, *_ in plan:
        db.session.expire(user, ["memberships"])
    return review


def reviews_of(org: Organisation, limit: int = 20) -> list[AccessReview]:
    return list(
        db.session.scalars(
            select(AccessReview).where(AccessReview.org_id == org.id).order_by(AccessReview.id.desc()).limit(limit)
        )
    )
