"""Lost phone: resetting a user's authenticator takes two administrators.

One admin (of the user's organisation, or the lead admin) asks with a reason; a
*different* admin approves. Neither may be the user. On approval the TOTP secret
is cleared, every session of the user ends and the user is told; at the next
sign-in, after the password, they enrol a new authenticator instead of typing a
code. A request left unapproved for REQUEST_VALID_FOR lapses. Every step is audited.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import select, update

from portal import audit, clock, notifications, permissions
from portal.accounts import auth, lockout, totp
from portal.extensions import db
from portal.models import Membership, MfaReset, Organisation, User

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

REQUEST_VALID_FOR = timedelta(hours=72)
REASON_MAX = 500


class MfaResetProblem(ValueError):
    """A step the rules refuse; ``field`` names the form field to point at."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def state(reset: MfaReset, now: datetime | None = None) -> str:
    """pending, approved, cancelled, or lapsed (pending for too long)."""
    now = now or clock.now()
    if reset.status == "pending" and now - reset.requested_at >= REQUEST_VALID_FOR:
        return "lapsed"
    return reset.status


def expires_at(reset: MfaReset) -> datetime:
    return reset.requested_at + REQUEST_VALID_FOR


def pending_for(user_id: int) -> MfaReset | None:
    """The user's request waiting for approval (not lapsed), if any."""
    since = clock.now() - REQUEST_VALID_FOR
    return db.session.scalars(
        select(MfaReset)
        .where(MfaReset.user_id == user_id, MfaReset.status == "pending", MfaReset.requested_at > since)
        .order_by(MfaReset.id.desc())
    ).first()


def recent_for(user_id: int, limit: int = 5) -> list[MfaReset]:
    return list(
        db.session.scalars(
            select(MfaReset).where(MfaReset.user_id == user_id).order_by(MfaReset.id.desc()).limit(limit)
        )
    )


@dataclass
class Permission:
    allowed: bool
    reason: str = ""


def may_request(actor: User, org: Organisation, user: User) -> Permission:
    if actor.id == user.id:
        return Permission(False, "You cannot reset your own security codes: ask another administrator")
    if not permissions.can_manage(actor, org):
        return Permission(False, "You do not manage this organisation’s staff")
    if not user.active:
        return Permission(False, "This account is deactivated")
    if user.password_hash is None:
        return Permission(False, "This account is not set up yet: send a new invitation instead")
    if user.totp_secret is None:
        return Permission(
            False, "This account has no authenticator at the moment: they will set one up at their next sign-in"
        )
    return Permission(True)


def may_approve(actor: User, reset: MfaReset) -> Permission:
    """The two-admin rule: the approver is an admin who may manage the organisation
    and is neither the one who asked nor the user concerned."""
    if actor.id == reset.requested_by:
        return Permission(False, "You asked for this reset, so another administrator must approve it")
    if actor.id == reset.user_id:
        return Permission(False, "You cannot approve a reset of your own security codes")
    if not permissions.can_manage(actor, reset.organisation):
        return Permission(False, "You do not manage this organisation’s staff")
    return Permission(True)


def request_reset(actor: User, org: Organisation, user: User, reason: str) -> MfaReset:
    """First admin: ask for the user's authenticator to be reset, giving the reason.
    Other admins who could approve are notified."""
    permission = may_request(actor, org, user)
    if not permission.allowed:
        raise MfaResetProblem("reason", permission.reason)
    reason = " ".join((reason or "").split())
    if not reason:
        raise MfaResetProblem("reason", "Enter why their security codes need to be reset")
    if len(reason) > REASON_MAX:
        raise MfaResetProblem("reason", f"The reason must be {REASON_MAX} characters or fewer")
    if pending_for(user.id) is not None:
        raise MfaResetProblem("reason", "A reset of this account is already waiting for approval")
    reset = MfaReset(
        user_id=user.id, org_id=org.id, reason=reason, requested_by=actor.id, requested_at=clock.now(), status="pending"
    )
    db.session.add(reset)
    db.session.flush()
    audit.record(
        "mfa_reset.requested",
        object_type="mfa_reset",
        object_id=reset.id,
        org_id=org.id,
        user_id=actor.id,
        detail={"account": user.id},
    )
    link = _page_path(org, user)
    for approver_id in _possible_approvers(org, exclude={actor.id, user.id}):
        notifications.notify(
            approver_id,
            "mfa_reset.requested",
            f"An administrator has asked to reset a staff member’s security codes in {org.name}. "
            "A second administrator must approve it.",
            link,
            email_subject="A security code reset is waiting for your approval",
        )
    db.session.commit()
    return reset


def approve(actor: User, reset: MfaReset) -> None:
    """Second admin: clear the user's authenticator. Their sessions end, and at the next
    sign-in they enrol a new one after their password. The user is told."""
    permission = may_approve(actor, reset)
    if not permission.allowed:
        raise MfaResetProblem("approve", permission.reason)
    if state(reset) != "pending":
        raise MfaResetProblem("approve", "This request is no longer waiting for approval")
    user = db.session.get(User, reset.user_id)
    assert user is not None  # a reset belongs to an existing account
    if not user.active:
        raise MfaResetProblem("approve", "This account is deactivated")
    now = clock.now()
    # Decided once: of two admins approving at the same moment, only one does it.
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(MfaReset)
            .where(MfaReset.id == reset.id, MfaReset.status == "pending")
            .values(status="approved", decided_by=actor.id, decided_at=now)
        ),
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise MfaResetProblem("approve", "This request is no longer waiting for approval")
    user.totp_secret = None
    user.totp_last_step = None
    audit.record(
        "mfa_reset.approved",
        object_type="mfa_reset",
        object_id=reset.id,
        org_id=reset.org_id,
        user_id=actor.id,
        detail={"account": user.id, "requested_by": reset.requested_by},
    )
    auth.revoke_sessions(user.id, "mfa_reset")
    notifications.notify(
        user.id,
        "mfa_reset.approved",
        "Two administrators have reset your security codes. When you next sign in, after your password "
        "you will set up your authenticator app again. If you did not ask for this, tell your "
        "organisation’s administrator now.",
        "/",
        email_subject="Your partner portal security codes were reset",
    )
    db.session.commit()
    db.session.refresh(reset)


def cancel(actor: User, reset: MfaReset) -> None:
    """Withdraw (the requester) or decline (another admin) a request still waiting."""
    if actor.id == reset.user_id or not permissions.can_manage(actor, reset.organisation):
        raise MfaResetProblem("cancel", "You cannot cancel this request")
    if state(reset) != "pending":
        raise MfaResetProblem("cancel", "This request is no longer waiting for approval")
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(MfaReset)
            .where(MfaReset.id == reset.id, MfaReset.status == "pending")
            .values(status="cancelled", decided_by=actor.id, decided_at=clock.now())
        ),
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise MfaResetProblem("cancel", "This request is no longer waiting for approval")
    audit.record(
        "mfa_reset.cancelled",
        object_type="mfa_reset",
        object_id=reset.id,
        org_id=reset.org_id,
        user_id=actor.id,
        detail={"account": reset.user_id},
    )
    db.session.commit()
    db.session.refresh(reset)


def _possible_approvers(org: Organisation, exclude: set[int]) -> list[int]:
    """Active admins of the organisation and of the lead partner."""
    rows = db.session.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(
            Membership.role == "admin",
            User.active.is_(True),
            (Membership.org_id == org.id) | (Organisation.kind == "lead"),
        )
        .distinct()
    )
    return sorted(uid for uid in rows if uid not in exclude)


def _page_path(org: Organisation, user: User) -> str:

    return current_app.url_map.bind("").build("lifecycle.mfa_reset_page", {"slug": org.slug, "user_id": user.id})


# The user's side: enrolling a new authenticator at sign-in


def needs_enrolment(user: User) -> bool:
    """Set up, active, but without an authenticator (after an MFA reset)."""
    return user.active and user.password_hash is not None and user.totp_secret is None


def enrol(user: User, secret: str, code: str, address: str | None = None) -> bool:
    """Save the new authenticator if ``code`` comes from it; the code cannot then be
    used again. A wrong code counts towards the lockout as a failed sign-in does;
    a locked account cannot enrol (lockout.LockedOut)."""
    key = lockout.account_key(auth.normalise_email(user.email))
    lockout.check(key, address, user_id=user.id)
    step = totp.matching_step(secret, code, None) if needs_enrolment(user) else None
    if step is None:
        audit.record("account.mfa_enrol_failed", outcome="failed", object_type="user", object_id=user.id)
        lock = lockout.record_failure(key, address, user.id)
        db.session.commit()
        if lock is not None:
            raise lockout.LockedOut(lock.scope, lock.until)
        return False
    # Only if still without one: a second tab cannot replace what the first saved.
    saved = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(User)
            .where(User.id == user.id, User.totp_secret.is_(None))
            .values(totp_secret=secret, totp_last_step=step)
        ),
    ).rowcount
    if saved != 1:
        db.session.rollback()
        return False
    audit.record("account.mfa_enrolled", object_type="user", object_id=user.id, user_id=user.id)
    audit.record("signin.success", object_type="user", object_id=user.id, user_id=user.id)
    db.session.commit()
    db.session.refresh(user)
    return True
