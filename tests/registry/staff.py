"""Cases for staff accounts (/admin/) and invitation links (/account/invitation/).

``admin`` is h2e's administrator, ``lead_admin`` Ingeus's. Other organisations' staff
pages answer 404 to an organisation admin; nobody changes their own roles (403).
"""

from datetime import timedelta

from portal import clock
from portal.accounts.invitations import token_hash
from portal.models import Invitation, Membership, User
from tests.registry import WORLD_BUILDERS, Case

REGISTRY_TOKEN = "registry-invitation-token-0123456789"
ADMINS = {"admin": 200, "lead_admin": 200}


def _invited(w):
    """An account of h2e that has an invitation and has not set up yet."""
    from portal.extensions import db

    now = clock.now()
    user = User(email="invited@h2e.example.test", name="Invited Person", position="VRC", active=True, created_at=now)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, org_id=w.home.id, role="vrc"))
    db.session.add(
        Invitation(
            user_id=user.id, token_hash=token_hash(REGISTRY_TOKEN), created_at=now, expires_at=now + timedelta(hours=72)
        )
    )
    w.invited = user
    db.session.flush()


WORLD_BUILDERS.append(_invited)


def _member(role="vrc", slug="h2e"):
    return lambda w: {"slug": slug, "user_id": w.users[role].id}


NEW_ACCOUNT = {"name": "New Person", "email": "new.person@example.test", "position": "VRC", "roles": ["vrc"]}

CASES = [
    # The organisations list: an organisation admin goes straight to their one organisation.
    Case("staff.index", expect={"admin": 302, "lead_admin": 200}),
    Case("staff.org_staff", args={"slug": "h2e"}, expect=ADMINS),
    Case(
        "staff.org_staff", args={"slug": "salus"}, expect={"admin": 404, "lead_admin": 200}, note="another organisation"
    ),
    Case(
        "staff.org_staff",
        args={"slug": "nowhere"},
        expect={"admin": 404, "lead_admin": 404},
        note="unknown organisation",
    ),
    Case("staff.create", args={"slug": "h2e"}, expect=ADMINS),
    Case(
        "staff.create",
        "POST",
        args={"slug": "h2e"},
        data=NEW_ACCOUNT,
        expect={"admin": 303, "lead_admin": 303},
        see_other_to="/admin/h2e/staff/",
    ),
    Case(
        "staff.create",
        "POST",
        args={"slug": "salus"},
        data=NEW_ACCOUNT,
        expect={"admin": 404, "lead_admin": 303},
        note="another organisation",
    ),
    Case("staff.member", args=_member(), expect=ADMINS),
    Case(
        "staff.member",
        args=_member("dpo", "h2e"),
        expect={"admin": 404, "lead_admin": 404},
        note="not a member of that organisation",
    ),
    Case(
        "staff.grant", "POST", args=_member(), data={"role": "team_manager"}, expect={"admin": 303, "lead_admin": 303}
    ),
    Case(
        "staff.grant",
        "POST",
        args=_member("admin"),
        data={"role": "vrc"},
        expect={"admin": 403, "lead_admin": 303},
        note="to oneself",
    ),
    Case(
        "staff.remove",
        "POST",
        args=lambda w: {"slug": "h2e", "user_id": w.users["vrc"].id, "role": "vrc"},
        expect={"admin": 303, "lead_admin": 303},
    ),
    Case("staff.deactivate", args=_member(), expect=ADMINS),
    Case("staff.deactivate", "POST", args=_member(), expect={"admin": 303, "lead_admin": 303}),
    Case("staff.deactivate", "POST", args=_member("admin"), expect={"admin": 403, "lead_admin": 303}, note="oneself"),
    Case(
        "staff.reinvite",
        "POST",
        args=lambda w: {"slug": "h2e", "user_id": w.invited.id},
        expect={"admin": 303, "lead_admin": 303},
    ),
    # Invitation links are public: the token is the credential.
    Case("invitation.password", args={"token": REGISTRY_TOKEN}, public=True, default=200),
    Case("invitation.password", args={"token": "unknown-token"}, public=True, default=404, note="unknown"),
    Case(
        "invitation.password",
        "POST",
        args={"token": REGISTRY_TOKEN},
        public=True,
        default=200,
        data={"password": "short", "confirm": "short"},
        note="a weak password",
    ),
    Case(
        "invitation.authenticator",
        args={"token": REGISTRY_TOKEN},
        public=True,
        default=303,
        see_other_to=f"/account/invitation/{REGISTRY_TOKEN}",
        note="without a password first",
    ),
    Case(
        "invitation.authenticator",
        "POST",
        args={"token": REGISTRY_TOKEN},
        public=True,
        default=303,
        data={"code": "123456"},
    ),
]
