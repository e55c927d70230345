"""Accepting an invitation: the link (a token stored only as its hash) works once within
72 hours; the new member of staff sets a password and enrols an authenticator app."""

import base64
import hashlib
from typing import TYPE_CHECKING, Any, cast

import qrcode
import qrcode.image.svg
from flask import current_app
from sqlalchemy import select, update

from portal import audit, clock, notifications
from portal.accounts import passwords, totp
from portal.extensions import db
from portal.models import Invitation, User

if TYPE_CHECKING:
    from sqlalchemy import CursorResult


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(token: str) -> str:
    return current_app.url_map.bind("").build("invitation.password", {"token": token})


def invitation_url(token: str) -> str:
    return notifications.absolute_url(invitation_path(token))


def usable_invitation(token: str) -> Invitation | None:
    """The invitation behind a link if it can still be used: not used, not replaced,
    not older than 72 hours, for an active account. Else None, whatever the reason."""
    if not token or len(token) > 200:
        return None
    invitation = db.session.scalars(select(Invitation).where(Invitation.token_hash == token_hash(token))).first()
    if invitation is None or not invitation.usable_at(clock.now()):
        return None
    user = db.session.get(User, invitation.user_id)
    if user is None or not user.active:
        return None
    return invitation


def password_problem_for(invitation: Invitation, password: str, confirm: str) -> str | None:
    user = db.session.get(User, invitation.user_id)
    assert user is not None  # an invitation belongs to an existing account
    problem = passwords.password_problem(password, [user.email, user.email.split("@")[0], *user.name.split()])
    if problem:
        return problem
    if password != confirm:
        return "The passwords do not match"
    return None


def new_totp_secret() -> str:
    return totp.new_secret()


def accept_invitation(invitation: Invitation, password_hash: str, totp_secret: str, code: str) -> bool:
    """Finish setting up the account if ``code`` comes from the new authenticator;
    the invitation is then used up. False (and nothing saved) for a wrong code."""
    step = totp.matching_step(totp_secret, code, None)
    if step is None:
        audit.record_and_commit(
            "staff.invitation_code_failed",
            outcome="failed",
            object_type="invitation",
            object_id=invitation.id,
            user_id=invitation.user_id,
        )
        return False
    now = clock.now()
    # Used up in one conditional statement: of two tabs racing, only one wins.
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_at=now)
        ),
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return False
    user = db.session.get(User, invitation.user_id)
    assert user is not None  # an invitation belongs to an existing account
    user.password_hash = password_hash
    user.password_changed_at = now
    user.totp_secret = totp_secret
    user.totp_last_step = step  # the code just typed cannot also sign in
    audit.record("staff.invitation_accepted", object_type="invitation", object_id=invitation.id, user_id=user.id)
    db.session.commit()
    return True


def qr_code_data_uri(text: str) -> str:
    """A QR code drawn on the server as SVG, for an <img>: no script, no inline style."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()
