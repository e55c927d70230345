"""Reactivating a deactivated staff account (the lead admin, or the organisation's admin).

The mirror of deactivation (portal.accounts.staff.deactivate): an organisation's admin
may reactivate only an account whose every role is in an organisation they
administer, since an account is active everywhere or nowhere. Nobody reactivates
themselves. The account signs in again with its old password and authenticator;
one never set up needs a new invitation. Audited by id; the user is told.
"""

from portal import audit, notifications, permissions
from portal.extensions import db
from portal.models import Organisation, User


class ReactivationRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def can_reactivate(actor: User, user: User) -> bool:
    if actor.id == user.id or user.active:
        return False
    if permissions.is_lead_admin(actor):
        return True
    administered = {m.org_id for m in actor.memberships if m.role == "admin"}
    return all(m.org_id in administered for m in user.memberships)


def reactivate(org: Organisation, user: User, actor: User) -> None:
    if user.active:
        raise ReactivationRefused("This account is already active")
    if not can_reactivate(actor, user):
        raise ReactivationRefused(
            "This account also has roles in other organisations. Ask the lead administrator to reactivate it"
        )
    user.active = True
    audit.record("staff.reactivated", object_type="user", object_id=user.id, org_id=org.id, user_id=actor.id)
    if user.password_hash is not None:
        notifications.notify(
            user.id,
            "staff.reactivated",
            f"Your partner portal account has been reactivated by an administrator of {org.name}. "
            "You can sign in again.",
            "/",
            email_subject="Your partner portal account has been reactivated",
        )
    db.session.commit()
