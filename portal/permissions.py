"""Roles → actions, and the one decorator routes use. Fails closed.

A route names the action it performs (``@requires("participant.read")``); this
module alone says which roles may perform it. On casework URLs (``/<org>/...``)
only the roles held in that organisation count; elsewhere (``/dpo/``, ``/lead/``,
``/ooh/``, ``/admin/``..., as ``portal.tenancy``'s policies say) the roles held anywhere count,
and ``lead_admin`` stands for ``admin`` held in the lead partner. An unknown
action, no user or no matching role is refused.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

ROLES = ("vrc", "team_manager", "ooh", "dpo", "contract_manager", "dwp", "admin")

# Which roles an organisation of each kind may hold.
ROLES_BY_KIND = {
    "lead": ("vrc", "team_manager", "ooh", "dpo", "contract_manager", "admin"),
    "delivery": ("vrc", "team_manager", "ooh", "admin"),
    "commissioner": ("dwp", "admin"),
}

STAFF = frozenset({"vrc", "team_manager", "ooh", "dpo", "contract_manager", "admin"})
ANY_ROLE = STAFF | {"dwp"}

ACTIONS: dict[str, frozenset[str]] = {
    # Signed-in basics
    "home.view": ANY_ROLE,
    "org.view": ANY_ROLE,
    # Background jobs (issue 4): a job page shows only to whoever asked and to the roles
    # owning its kind (portal.jobs.can_see); the periodic page to the roles owning a
    # periodic job (must equal the roles of portal.jobs.PERIODIC: tests/jobs checks it).
    "jobs.view": ANY_ROLE,
    "jobs.periodic": frozenset({"lead_admin", "dpo", "contract_manager"}),
    # Account lifecycle (issue 11)
    "contract_area.manage": frozenset({"lead_admin"}),
    "organisation.manage": frozenset({"lead_admin"}),
    "account.password": ANY_ROLE,
    # MFA reset and reactivation: the pages also check that the admin may manage the
    # organisation (the lead admin: all; others: their own), as the staff pages do.
    "staff.mfa_reset": frozenset({"admin", "lead_admin"}),
    "staff.reactivate": frozenset({"admin", "lead_admin"}),
    # Notifications and staff accounts (issue 4). The staff pages check which
    # organisations an admin may manage (the lead admin: all; others: their own).
    "notifications.view": ANY_ROLE,
    "notifications.dev_outbox": ANY_ROLE,
    "staff.manage": frozenset({"admin", "lead_admin"}),
    # Casework (issue 5). On /<org>/participants/... the participant access service
    # (portal.services.participant_access) further decides per participant: the
    # assigned VRC and team managers get the full record, other VRCs and ooh staff the
    # verbal-consent check, every other role a 404.
    "caseload.own": frozenset({"vrc"}),
    "caseload.team": frozenset({"team_manager"}),
    "referral.take_in": frozenset({"team_manager"}),
    "participant.view": frozenset({"vrc", "team_manager", "ooh"}),
    "participant.edit": frozenset({"vrc", "team_manager"}),
    "participant.close": frozenset({"vrc", "team_manager"}),
    "participant.allocate": frozenset({"team_manager"}),
    # The research and focus-group contact list (issue 15): the organisation's team
    # managers only; its export is a disclosure relying on each research consent.
    "research_contacts.view": frozenset({"team_manager"}),
    "research_contacts.export": frozenset({"team_manager"}),
    "case_note.write": frozenset({"vrc", "team_manager"}),
    "appointment.manage": frozenset({"vrc", "team_manager"}),
    "appointment.change": frozenset({"vrc", "team_manager", "ooh"}),
    "support_plan.manage": frozenset({"vrc", "team_manager"}),
    "milestone.record": frozenset({"vrc", "team_manager"}),
    # Consent and the disclosures register (issue 6). On /<org>/participants/... the
    # participant access service further decides per participant, as for casework;
    # the emergency override service checks the assigned VRC or a live ooh grant.
    "consent.view": frozenset({"vrc", "team_manager"}),
    "consent.record": frozenset({"vrc", "team_manager"}),
    "consent.withdraw": frozenset({"vrc", "team_manager", "ooh"}),
    "gp_letter.write": frozenset({"vrc", "team_manager"}),
    "employer_contact.record": frozenset({"vrc", "team_manager"}),
    "emergency.override": frozenset({"vrc", "ooh"}),
    "privacy_notice.read": STAFF,
    "privacy_notice.manage": frozenset({"dpo"}),
    # Retention, legal holds, destruction and audit checkpoints (issue 10): /dpo/ pages.
    "retention.manage": frozenset({"dpo"}),
    "override.review": frozenset({"dpo"}),
    "authority_request.log": STAFF,
    "authority_request.decide": frozenset({"dpo"}),
    # Rights requests (issue 8): any staff member logs one; the DPO works them.
    "rights_request.log": STAFF,
    "rights_request.manage": frozenset({"dpo"}),
    # The DPO's access packages, erasure and full read of a linked participant (/dpo/).
    "rights.access": frozenset({"dpo"}),
    "rights.erase": frozenset({"dpo"}),
    "participant.dpo_read": frozenset({"dpo"}),
    # Out-of-hours service (issue 7). The search reaches every organisation; on the call
    # pages (/ooh/<org>/participants/...) portal.services.ooh_access decides per
    # participant: the assigned VRC and team managers go to the record, the org's other
    # VRCs and ooh staff of any organisation through the verbal-consent check, everyone
    # else a 404.
    "ooh.search": frozenset({"ooh"}),
    "ooh.call": frozenset({"ooh", "vrc", "team_manager"}),
    "ooh.access": frozenset({"ooh", "vrc"}),
    "ooh.log": frozenset({"dpo"}),
    "ooh.log.org": frozenset({"team_manager"}),
    "ooh.callback.close": frozenset({"vrc", "team_manager"}),
    # Contract reporting and the API (issue 9). Figures and the progress return only:
    # no role here reaches a case record. Published reports and statistics are DWP's
    # (and the contract manager sees what DWP sees); drafts are the contract manager's.
    "report.manage": frozenset({"contract_manager"}),
    "lead.dashboard": frozenset({"contract_manager"}),
    "report.read_published": frozenset({"dwp", "contract_manager"}),
    "statistics.view": frozenset({"dwp", "contract_manager"}),
    "api_client.manage": frozenset({"lead_admin"}),
    # Governance (issue 10): any staff member but DWP reports a suspected breach; the DPO
    # keeps the register and searches the audit trail; admins record training and review
    # access for their own organisation (the lead admin: all), the lead admin oversees.
    "breach.report": STAFF,
    "breach.manage": frozenset({"dpo"}),
    "audit.search": frozenset({"dpo"}),
    "training.manage": frozenset({"admin", "lead_admin"}),
    "access_review.manage": frozenset({"admin", "lead_admin"}),
    "access_review.oversee": frozenset({"lead_admin"}),
}

PUBLIC = "public"
# Machine API views: reached with an OAuth2 bearer token, which the view checks itself
# (scope, expiry, revocation: portal.services.api_access), never with a staff session.
API_TOKEN = "api_token"


def public(view):
    """Mark a view as reachable without signing in (sign-in, health check, assets)."""
    view.permission = PUBLIC
    return view


def effective_roles(user, org=None) -> frozenset[str]:
    """Roles that count for a request: those in ``org`` on its URLs, else all held."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if org is not None:
        return user.roles_in(org.id)
    roles = set(user.all_roles())
    if any(m.role == "admin" and m.organisation.kind == "lead" for m in user.memberships):
        roles.add("lead_admin")
    return frozenset(roles)


def allowed(action: str, user=None, org=None) -> bool:
    """Whether ``user`` may perform ``action`` (in ``org`` when given)."""
    permitted = ACTIONS.get(action)
    if permitted is None:
        return False
    user = current_user if user is None else user
    return bool(effective_roles(user, org) & permitted)


def can(action: str) -> bool:
    """Template helper: may the signed-in user do this here?"""
    from portal.tenancy import roles_org

    return allowed(action, org=roles_org())


def enforce(action: str) -> None:
    """Refuse the request (401 signed out, 403 audited) unless the signed-in user's
    roles permit ``action``: those held in the request's organisation on casework
    URLs, those held anywhere elsewhere."""
    from portal.tenancy import refuse, roles_org

    if not current_user.is_authenticated:
        abort(401)
    if not allowed(action, org=roles_org()):
        refuse(403, object_type="action", object_id=action)


def requires(action: str):
    """Refuse the request (403) unless the signed-in user's roles permit ``action``."""
    if action not in ACTIONS:
        raise LookupError(f"unknown action {action!r}: add it to permissions.ACTIONS")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            enforce(action)
            return view(*args, **kwargs)

        wrapped.permission = action
        return wrapped

    return decorator
