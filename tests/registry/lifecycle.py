"""Cases for the account lifecycle: contract areas and organisations (lead admin), the
user's own password and authenticator, and MFA resets and reactivation (admins).

``admin`` is h2e's administrator, ``lead_admin`` Ingeus's. The world holds an MFA reset
of h2e's ``vrc`` asked for by the lead admin (so the lead admin may not approve it: the
two-admin rule answers with the page and its error), a deactivated h2e account, and a
password-reset link for h2e's ``vrc``.
"""

from datetime import timedelta

from portal import clock
from portal.accounts.account import token_hash
from portal.models import ContractArea, Membership, MfaReset, PasswordReset, User
from tests.factories import PASSWORD
from tests.registry import WORLD_BUILDERS, Case

LEAD_ADMIN_ONLY = {"lead_admin": 200}
ADMINS = {"admin": 200, "lead_admin": 200}
SIGNED_IN = dict.fromkeys(
    ("vrc", "other_vrc", "team_manager", "ooh", "ooh_lead", "admin", "dpo", "contract_manager", "lead_admin", "dwp"),
    200,
)
EVERYONE = dict(SIGNED_IN, anonymous=200)
RESET_TOKEN = "registry-password-reset-token-0123456789"
NEW_PASSWORD = "quiet orchard lantern 4817"


def _lifecycle(w):
    from portal.extensions import db

    now = clock.now()
    db.session.add(ContractArea(area="LS", org_id=w.home.id, changed_at=now))
    w.mfa_reset = MfaReset(
        user_id=w.users["vrc"].id,
        org_id=w.home.id,
        reason="Lost phone, reported by phone",
        requested_by=w.users["lead_admin"].id,
        requested_at=now,
        status="pending",
    )
    db.session.add(w.mfa_reset)
    w.deactivated = User(
        email="left@h2e.example.test",
        name="Former Staff",
        position="VRC",
        password_hash=None,
        active=False,
        created_at=now,
    )
    db.session.add(w.deactivated)
    db.session.flush()
    db.session.add(Membership(user_id=w.deactivated.id, org_id=w.home.id, role="vrc"))
    db.session.add(
        PasswordReset(
            user_id=w.users["vrc"].id,
            token_hash=token_hash(RESET_TOKEN),
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    db.session.flush()


WORLD_BUILDERS.append(_lifecycle)


def _member(role="vrc", slug="h2e"):
    return lambda w: {"slug": slug, "user_id": w.users[role].id}


def _reset(slug="h2e"):
    return lambda w: {"slug": slug, "reset_id": w.mfa_reset.id}


def _deactivated(slug="h2e"):
    return lambda w: {"slug": slug, "user_id": w.deactivated.id}


CASES = [
    # Contract areas: the lead admin only.
    Case("contract_areas.index", expect=LEAD_ADMIN_ONLY),
    Case("contract_areas.history", expect=LEAD_ADMIN_ONLY),
    Case("contract_areas.add", expect=LEAD_ADMIN_ONLY),
    Case(
        "contract_areas.add",
        "POST",
        data=lambda w: {"area": "BD", "organisation": str(w.home.id)},
        expect={"lead_admin": 302},
    ),
    Case("contract_areas.change", args={"area": "LS"}, expect=LEAD_ADMIN_ONLY),
    Case(
        "contract_areas.change",
        "POST",
        args={"area": "LS"},
        data=lambda w: {"organisation": str(w.other.id)},
        expect={"lead_admin": 302},
    ),
    Case("contract_areas.remove", args={"area": "LS"}, expect=LEAD_ADMIN_ONLY),
    Case("contract_areas.remove", "POST", args={"area": "LS"}, expect={"lead_admin": 302}),
    # Organisations: the lead admin only.
    Case("lifecycle.create_organisation", expect=LEAD_ADMIN_ONLY),
    Case(
        "lifecycle.create_organisation",
        "POST",
        data={"name": "Remploy", "slug": "remploy", "kind": "delivery"},
        expect={"lead_admin": 303},
        see_other_to="/admin/remploy/",
    ),
    Case("lifecycle.rename_organisation", args={"slug": "h2e"}, expect=LEAD_ADMIN_ONLY),
    Case(
        "lifecycle.rename_organisation",
        "POST",
        args={"slug": "h2e"},
        data={"name": "Health 2 Employment Ltd", "slug": "h2e"},
        expect={"lead_admin": 303},
    ),
    Case(
        "lifecycle.rename_organisation",
        args={"slug": "dwp"},
        expect={"lead_admin": 404},
        note="the commissioner is fixed",
    ),
    # The user's own password, and recovering it (public; the same for everyone).
    Case("account.change_password", expect=SIGNED_IN),
    Case(
        "account.change_password",
        "POST",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=dict.fromkeys(SIGNED_IN, 303),
    ),
    Case("account.forgot_password", public=True, default=200),
    Case(
        "account.forgot_password",
        "POST",
        data={"email": "nobody@example.test"},
        public=True,
        default=303,
        see_other_to="/account/forgot-password/sent",
    ),
    Case("account.forgot_password_sent", public=True, default=200),
    Case("account.reset_password", args={"token": RESET_TOKEN}, public=True, default=200),
    Case("account.reset_password", args={"token": "not-a-token"}, public=True, default=404, note="unknown link"),
    Case(
        "account.reset_password",
        "POST",
        args={"token": RESET_TOKEN},
        data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        public=True,
        default=200,
    ),
    # Enrolling a new authenticator: only half signed in after an MFA reset; others are sent on.
    Case("account.enrol", public=True, default=302),
    Case("account.enrol", "POST", data={"code": "123456"}, public=True, default=302),
    # MFA reset: admins of the organisation and the lead admin.
    Case("lifecycle.mfa_reset_page", args=_member(), expect=ADMINS),
    Case(
        "lifecycle.mfa_reset_page",
        args=_member("vrc", "salus"),
        expect={"admin": 404, "lead_admin": 404},
        note="not a member of that organisation",
    ),
    Case(
        "lifecycle.mfa_reset_page",
        "POST",
        args=_member("team_manager"),
        data={"reason": "Lost phone"},
        expect={"admin": 303, "lead_admin": 303},
    ),
    Case(
        "lifecycle.approve_mfa_reset",
        "POST",
        args=_reset(),
        expect={"admin": 303, "lead_admin": 200},
        note="the requester (lead admin) cannot approve",
    ),
    Case(
        "lifecycle.approve_mfa_reset",
        "POST",
        args=_reset("salus"),
        expect={"admin": 404, "lead_admin": 404},
        note="another organisation's URL",
    ),
    Case("lifecycle.cancel_mfa_reset", "POST", args=_reset(), expect={"admin": 303, "lead_admin": 303}),
    # Reactivation: admins of the organisation and the lead admin.
    Case("lifecycle.reactivate", args=_deactivated(), expect=ADMINS),
    Case("lifecycle.reactivate", "POST", args=_deactivated(), expect={"admin": 303, "lead_admin": 303}),
    Case(
        "lifecycle.reactivate",
        "POST",
        args=_member("admin"),
        expect={"admin": 403, "lead_admin": 200},
        note="nobody reactivates themselves; an active account is refused",
    ),
]
