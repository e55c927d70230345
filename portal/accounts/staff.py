"""Staff accounts: creation by invitation, role grants and removals, deactivation.

The lead admin (``admin`` in the lead partner) manages staff in every organisation;
an organisation's admin only in their own. Nobody changes their own roles or
deactivates themselves, so one stolen admin session cannot quietly widen its own
reach or lock others out by removing itself. Every change is audited by id.
"""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, select

from portal import audit, clock, notifications, permissions
from portal.accounts import auth
from portal.accounts.auth import find_user_by_email, normalise_email
from portal.accounts.invitations import invitation_url, token_hash
from portal.extensions import db
from portal.models import Invitation, Membership, Organisation, User
from portal.permissions import ROLES_BY_KIND

INVITATION_VALID_FOR = timedelta(hours=72)

ROLE_NAMES = {
    "vrc": "VRC",
    "team_manager": "Team manager",
    "ooh": "Out-of-hours adviser",
    "dpo": "Data protection officer",
    "contract_manager": "Contract manager",
    "dwp": "DWP reader",
    "admin": "Administrator",
}
ROLE_HINTS = {
    "vrc": "Manages their own caseload",
    "team_manager": "The organisation’s whole caseload; allocates referrals",
    "ooh": "The out-of-hours line, with the caller’s verbal consent",
    "dpo": "Rights requests, complaints, audit, breaches and retention across all organisations",
    "contract_manager": "Contract figures across all partners and the DWP reports",
    "dwp": "Published contract reports and statistics",
    "admin": "Staff accounts and roles of this organisation",
}

STATUS_TEXT = {
    "active": "Active",
    "invited": "Invited",
    "invitation_expired": "Invitation expired",
    "deactivated": "Deactivated",
}


class StaffError(ValueError):
    """A request the rules refuse, with the form field it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class SelfChangeRefused(PermissionError):
    """Nobody grants or removes their own roles or deactivates their own account."""


@dataclass
class StaffRow:
    user: User
    roles: list[str]
    status: str

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


# Who may manage whom


def manageable_orgs(user: User) -> list[Organisation]:
    if permissions.is_lead_admin(user):
        return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    ids = {m.org_id for m in user.memberships if m.role == "admin"}
    if not ids:
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


def can_deactivate(actor: User, user: User) -> bool:
    """Not oneself; an organisation admin only accounts whose every role is in an
    organisation they administer (an account is deactivated everywhere at once)."""
    if actor.id == user.id or not user.active:
        return False
    if permissions.is_lead_admin(actor):
        return True
    administered = {m.org_id for m in actor.memberships if m.role == "admin"}
    return all(m.org_id in administered for m in user.memberships)


def grantable_roles(org: Organisation, user: User) -> list[str]:
    held = user.roles_in(org.id)
    return [role for role in ROLES_BY_KIND[org.kind] if role not in held]


# Lists


def status_of(user: User, latest: Invitation | None, now: datetime | None = None) -> str:
    now = now or clock.now()
    if not user.active:
        return "deactivated"
    if user.password_hash is None or user.totp_secret is None:
        if latest is not None and latest.usable_at(now):
            return "invited"
        return "invitation_expired"
    return "active"


def latest_invitations(user_ids: Sequence[int]) -> dict[int, Invitation]:
    """The newest invitation of each user (one query)."""
    if not user_ids:
        return {}
    newest = (
        select(Invitation.user_id, func.max(Invitation.id).label("id"))
        .where(Invitation.user_id.in_(user_ids))
        .group_by(Invitation.user_id)
        .subquery()
    )
    rows = db.session.scalars(select(Invitation).join(newest, Invitation.id == newest.c.id))
    return {inv.user_id: inv for inv in rows}


def staff_list(org: Organisation) -> list[StaffRow]:
    """Everyone holding a role in ``org``, deactivated accounts included, by name."""
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id)
        .order_by(User.name, User.id, Membership.role)
    ).all()
    users: dict[int, User] = {}
    roles: dict[int, list[str]] = {}
    for user, role in rows:
        users[user.id] = user
        roles.setdefault(user.id, []).append(role)
    invitations = latest_invitations(list(users))
    now = clock.now()
    return [StaffRow(u, roles[uid], status_of(u, invitations.get(uid), now)) for uid, u in users.items()]


def staff_row(org: Organisation, user: User) -> StaffRow:
    latest = latest_invitations([user.id]).get(user.id)
    return StaffRow(user, sorted(user.roles_in(org.id), key=_role_order), status_of(user, latest))


def _role_order(role: str) -> int:
    return list(ROLE_NAMES).index(role)


# Changes


def checked_email(email: str) -> str:
    """The address, normalised, or StaffError. Reserved test domains (example.test) are
    accepted outside production, so tests and demos need no real domains."""
    try:
        result = validate_email(
            (email or "").strip(),
            check_deliverability=False,
            test_environment=current_app.config["PORTAL_ENV"] != "production",
        )
    except EmailNotValidError:
        raise StaffError("email", "Enter an email address in the correct format, like name@example.com") from None
    return normalise_email(result.normalized)


def create_account(
    org: Organisation,
    *,
    email: str,
    name: str,
    position: str,
    roles: Iterable[str],
    actor_id: int | None,
    send: bool = True,
) -> tuple[User, str]:
    """Create an account holding ``roles`` in ``org`` and invite it; returns the user and
    the invitation token (shown once: only its hash is stored). Emails are unique across
    the portal. ``send`` emails the invitation (the create-user command prints it instead)."""
    email = checked_email(email)
    name = (name or "").strip()
    position = (position or "").strip()
    roles = list(dict.fromkeys(roles))
    allowed = ROLES_BY_KIND[org.kind]
    if not roles:
        raise StaffError("roles", "Select at least one role")
    bad = [r for r in roles if r not in allowed]
    if bad:
        raise StaffError("roles", f"{org.name} cannot hold the role {', '.join(bad)}")
    if find_user_by_email(email) is not None:
        raise StaffError(
            "email",
            "An account with this email address already exists. Ask the lead administrator to give it a role here",
        )
    now = clock.now()
    user = User(
        email=email, name=name, position=position, password_hash=None, totp_secret=None, active=True, created_at=now
    )
    db.session.add(user)
    db.session.flush()
    for role in roles:
        db.session.add(Membership(user_id=user.id, org_id=org.id, role=role))
    audit.record(
        "staff.created", object_type="user", object_id=user.id, org_id=org.id, user_id=actor_id, detail={"roles": roles}
    )
    token = issue_invitation(user, actor_id, org)
    if send:
        _send_invitation(user, token, org)
    db.session.commit()
    db.session.refresh(user)
    return user, token


def resend_invitation(org: Organisation, user: User, actor_id: int) -> str:
    """A new invitation for an account not yet set up; earlier links stop working."""
    if not user.active or user.password_hash is not None:
        raise StaffError("invitation", "Only an active account that is not set up yet can be invited again")
    token = issue_invitation(user, actor_id, org)
    _send_invitation(user, token, org)
    db.session.commit()
    return token


def issue_invitation(user: User, actor_id: int | None, org: Organisation) -> str:
    now = clock.now()
    _revoke_invitations(user.id, now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user_id=user.id,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
        created_by=actor_id,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "staff.invitation_issued",
        object_type="invitation",
        object_id=invitation.id,
        org_id=org.id,
        user_id=actor_id,
        detail={"account": user.id},
    )
    return token


def _revoke_invitations(user_id: int, now: datetime) -> None:
    for invitation in db.session.scalars(
        select(Invitation).where(
            Invitation.user_id == user_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None)
        )
    ):
        invitation.revoked_at = now


def _send_invitation(user: User, token: str, org: Organisation) -> None:
    hours = int(INVITATION_VALID_FOR.total_seconds() // 3600)
    body = (
        f"You have been given an account on the Access to Work Mental Health Support partner "
        f"portal, with {org.name}.\n\n"
        f"To set your password and your security codes, open this link within {hours} hours. "
        f"It works once:\n\n{invitation_url(token)}\n\n"
        "You will need an authenticator app on your phone. If you were not expecting this "
        "email, you can ignore it."
    )
    notifications.queue_email(user.id, "staff.invitation", "Your partner portal account", body, sensitive=True)


def grant_role(org: Organisation, user: User, role: str, actor_id: int) -> None:
    """Give ``user`` a role in ``org``: one the organisation's kind may hold."""
    if user.id == actor_id:
        raise SelfChangeRefused("nobody grants roles to themselves")
    if role not in ROLES_BY_KIND[org.kind]:
        raise StaffError("role", "Select a role this organisation can hold")
    if role in user.roles_in(org.id):
        raise StaffError("role", f"They already have the role {ROLE_NAMES[role]} here")
    if not user.active:
        raise StaffError("role", "This account is deactivated")
    # Through the relationship, so the user's loaded memberships include it after the commit.
    db.session.add(Membership(user=user, org_id=org.id, role=role))
    audit.record(
        "staff.role_granted",
        object_type="user",
        object_id=user.id,
        org_id=org.id,
        user_id=actor_id,
        detail={"role": role},
    )
    notifications.notify(
        user.id,
        "staff.role_granted",
        f"You have been given the role {ROLE_NAMES[role]} in {org.name}",
        _org_link(org),
        email_subject="Your roles in the partner portal have changed",
    )
    db.session.commit()
    db.session.expire(user, ["memberships"])


def remove_role(org: Organisation, user: User, role: str, actor_id: int) -> None:
    """Take a role away. An account keeps at least one role somewhere, or it would
    disappear from every staff list: deactivate it instead."""
    if user.id == actor_id:
        raise SelfChangeRefused("nobody removes their own roles")
    if role not in user.roles_in(org.id):
        raise StaffError("role", "They do not have this role here")
    if len(user.memberships) == 1:
        raise StaffError("role", "This is their only role. To stop them using the portal, deactivate the account")
    db.session.execute(
        delete(Membership).where(Membership.user_id == user.id, Membership.org_id == org.id, Membership.role == role)
    )
    audit.record(
        "staff.role_removed",
        object_type="user",
        object_id=user.id,
        org_id=org.id,
        user_id=actor_id,
        detail={"role": role},
    )
    if user.active:
        notifications.notify(
            user.id,
            "staff.role_removed",
            f"The role {ROLE_NAMES[role]} in {org.name} has been removed from your account",
            _org_link(org),
            email_subject="Your roles in the partner portal have changed",
        )
    db.session.commit()
    db.session.expire(user, ["memberships"])


def _org_link(org: Organisation) -> str:
    return f"/{org.slug}/" if org.delivers else "/"


def deactivate(org: Organisation, user: User, actor: User) -> None:
    """Stop an account signing in: its sessions end at once (a replayed cookie lands on
    the sign-in page) and any pending invitation stops working."""
    if user.id == actor.id:
        raise SelfChangeRefused("nobody deactivates themselves")
    if not user.active:
        raise StaffError("deactivate", "This account is already deactivated")
    if not can_deactivate(actor, user):
        raise StaffError(
            "deactivate",
            "This account also has roles in other organisations. Ask the lead administrator to deactivate it",
        )
    user.active = False
    ended = auth.revoke_sessions(user.id, "deactivated")
    _revoke_invitations(user.id, clock.now())
    audit.record(
        "staff.deactivated",
        object_type="user",
        object_id=user.id,
        org_id=org.id,
        user_id=actor.id,
        detail={"sessions_ended": ended},
    )
    db.session.commit()


# Invitations: the new account's side
