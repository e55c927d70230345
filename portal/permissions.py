"""Roles → actions, and the one decorator routes use. Fails closed.

A route names the action it performs (``@requires(Action.PARTICIPANT_VIEW)``, one of
``portal.actions.Action``); this module alone says which roles may perform it. On casework URLs (``/<org>/...``)
only the roles held in that organisation count; elsewhere (``/dpo/``, ``/lead/``,
``/ooh/``, ``/admin/``..., as ``portal.tenancy``'s policies say) the roles held anywhere count,
and ``lead_admin`` stands for ``admin`` held in the lead partner. An unknown
action, no user or no matching role is refused.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, ParamSpec, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal import audit
from portal.actions import Action
from portal.extensions import db
from portal.models import Membership, Organisation, User
from portal.request_org import roles_org

ROLES = ("vrc", "team_manager", "ooh", "dpo", "contract_manager", "dwp", "admin")

# Which roles an organisation of each kind may hold.
ROLES_BY_KIND = {
    "lead": ("vrc", "team_manager", "ooh", "dpo", "contract_manager", "admin"),
    "delivery": ("vrc", "team_manager", "ooh", "admin"),
    "commissioner": ("dwp", "admin"),
}

STAFF = frozenset({"vrc", "team_manager", "ooh", "dpo", "contract_manager", "admin"})
ANY_ROLE = STAFF | {"dwp"}

ACTIONS: dict[str, frozenset[str]] = {  # keyed by Action: a template's string finds the same entry
    # Signed-in basics
    Action.HOME_VIEW: ANY_ROLE,
    Action.ORG_VIEW: ANY_ROLE,
    # Background jobs (issue 4): a job page shows only to whoever asked and to the roles
    # owning its kind (portal.jobs.can_see); the periodic page to the roles owning a
    # periodic job (must equal the roles of portal.jobs.PERIODIC: tests/jobs checks it).
    Action.JOBS_VIEW: ANY_ROLE,
    Action.JOBS_PERIODIC: frozenset({"lead_admin", "dpo", "contract_manager"}),
    # Account lifecycle (issue 11)
    Action.CONTRACT_AREA_MANAGE: frozenset({"lead_admin"}),
    Action.ORGANISATION_MANAGE: frozenset({"lead_admin"}),
    Action.ACCOUNT_PASSWORD: ANY_ROLE,
    # MFA reset and reactivation: the pages also check that the admin may manage the
    # organisation (the lead admin: all; others: their own), as the staff pages do.
    Action.STAFF_MFA_RESET: frozenset({"admin", "lead_admin"}),
    Action.STAFF_REACTIVATE: frozenset({"admin", "lead_admin"}),
    # Notifications and staff accounts (issue 4). The staff pages check which
    # organisations an admin may manage (the lead admin: all; others: their own).
    Action.NOTIFICATIONS_VIEW: ANY_ROLE,
    Action.NOTIFICATIONS_DEV_OUTBOX: ANY_ROLE,
    Action.STAFF_MANAGE: frozenset({"admin", "lead_admin"}),
    # Casework (issue 5). On /<org>/participants/... the participant access service
    # (portal.access.participant_access) further decides per participant: the
    # assigned VRC and team managers get the full record, other VRCs and ooh staff the
    # verbal-consent check, every other role a 404.
    Action.CASELOAD_OWN: frozenset({"vrc"}),
    Action.CASELOAD_TEAM: frozenset({"team_manager"}),
    Action.REFERRAL_TAKE_IN: frozenset({"team_manager"}),
    Action.PARTICIPANT_VIEW: frozenset({"vrc", "team_manager", "ooh"}),
    Action.PARTICIPANT_EDIT: frozenset({"vrc", "team_manager"}),
    Action.PARTICIPANT_CLOSE: frozenset({"vrc", "team_manager"}),
    Action.PARTICIPANT_ALLOCATE: frozenset({"team_manager"}),
    # The research and focus-group contact list (issue 15): the organisation's team
    # managers only; its export is a disclosure relying on each research consent.
    Action.RESEARCH_CONTACTS_VIEW: frozenset({"team_manager"}),
    Action.RESEARCH_CONTACTS_EXPORT: frozenset({"team_manager"}),
    Action.CASE_NOTE_WRITE: frozenset({"vrc", "team_manager"}),
    Action.APPOINTMENT_MANAGE: frozenset({"vrc", "team_manager"}),
    Action.APPOINTMENT_CHANGE: frozenset({"vrc", "team_manager", "ooh"}),
    Action.SUPPORT_PLAN_MANAGE: frozenset({"vrc", "team_manager"}),
    Action.MILESTONE_RECORD: frozenset({"vrc", "team_manager"}),
    # Consent and the disclosures register (issue 6). On /<org>/participants/... the
    # participant access service further decides per participant, as for casework;
    # the emergency override service checks the assigned VRC or a live ooh grant.
    Action.CONSENT_VIEW: frozenset({"vrc", "team_manager"}),
    Action.CONSENT_RECORD: frozenset({"vrc", "team_manager"}),
    Action.CONSENT_WITHDRAW: frozenset({"vrc", "team_manager", "ooh"}),
    Action.GP_LETTER_WRITE: frozenset({"vrc", "team_manager"}),
    Action.EMPLOYER_CONTACT_RECORD: frozenset({"vrc", "team_manager"}),
    Action.EMERGENCY_OVERRIDE: frozenset({"vrc", "ooh"}),
    Action.PRIVACY_NOTICE_READ: STAFF,
    Action.PRIVACY_NOTICE_MANAGE: frozenset({"dpo"}),
    # Retention, legal holds, destruction and audit checkpoints (issue 10): /dpo/ pages.
    Action.RETENTION_MANAGE: frozenset({"dpo"}),
    Action.OVERRIDE_REVIEW: frozenset({"dpo"}),
    Action.AUTHORITY_REQUEST_LOG: STAFF,
    Action.AUTHORITY_REQUEST_DECIDE: frozenset({"dpo"}),
    # Rights requests (issue 8): any staff member logs one; the DPO works them.
    Action.RIGHTS_REQUEST_LOG: STAFF,
    Action.RIGHTS_REQUEST_MANAGE: frozenset({"dpo"}),
    # The DPO's access packages, erasure and full read of a linked participant (/dpo/).
    Action.RIGHTS_ACCESS: frozenset({"dpo"}),
    Action.RIGHTS_ERASE: frozenset({"dpo"}),
    Action.PARTICIPANT_DPO_READ: frozenset({"dpo"}),
    # Out-of-hours service (issue 7). The search reaches every organisation; on the call
    # pages (/ooh/<org>/participants/...) portal.access.ooh_access decides per
    # participant: the assigned VRC and team managers go to the record, the org's other
    # VRCs and ooh staff of any organisation through the verbal-consent check, everyone
    # else a 404.
    Action.OOH_SEARCH: frozenset({"ooh"}),
    Action.OOH_CALL: frozenset({"ooh", "vrc", "team_manager"}),
    Action.OOH_ACCESS: frozenset({"ooh", "vrc"}),
    Action.OOH_LOG: frozenset({"dpo"}),
    Action.OOH_LOG_ORG: frozenset({"team_manager"}),
    Action.OOH_CALLBACK_CLOSE: frozenset({"vrc", "team_manager"}),
    # Contract reporting and the API (issue 9). Figures and the progress return only:
    # no role here reaches a case record. Published reports and statistics are DWP's
    # (and the contract manager sees what DWP sees); drafts are the contract manager's.
    Action.REPORT_MANAGE: frozenset({"contract_manager"}),
    Action.LEAD_DASHBOARD: frozenset({"contract_manager"}),
    Action.REPORT_READ_PUBLISHED: frozenset({"dwp", "contract_manager"}),
    Action.STATISTICS_VIEW: frozenset({"dwp", "contract_manager"}),
    Action.API_CLIENT_MANAGE: frozenset({"lead_admin"}),
    # Governance (issue 10): any staff member but DWP reports a suspected breach; the DPO
    # keeps the register and searches the audit trail; admins record training and review
    # access for their own organisation (the lead admin: all), the lead admin oversees.
    Action.BREACH_REPORT: STAFF,
    Action.BREACH_MANAGE: frozenset({"dpo"}),
    Action.AUDIT_SEARCH: frozenset({"dpo"}),
    Action.TRAINING_MANAGE: frozenset({"admin", "lead_admin"}),
    Action.ACCESS_REVIEW_MANAGE: frozenset({"admin", "lead_admin"}),
    Action.ACCESS_REVIEW_OVERSEE: frozenset({"lead_admin"}),
}

PUBLIC = "public"
# Machine API views: reached with an OAuth2 bearer token, which the view checks itself
# (scope, expiry, revocation: portal.api.api_access), never with a staff session.
API_TOKEN = "api_token"

P = ParamSpec("P")
R = TypeVar("R")


def public(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a view as reachable without signing in (sign-in, health check, assets)."""
    setattr(view, "permission", PUBLIC)  # read back by portal.web.permission_of
    return view


def effective_roles(user: User | None, org: Organisation | None = None) -> frozenset[str]:
    """Roles that count for a request: those in ``org`` on its URLs, else all held."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if org is not None:
        return user.roles_in(org.id)
    roles = set(user.all_roles())
    if any(m.role == "admin" and m.organisation.kind == "lead" for m in user.memberships):
        roles.add("lead_admin")
    return frozenset(roles)


def allowed(action: Action | str, user: User | None = None, org: Organisation | None = None) -> bool:
    """Whether ``user`` may perform ``action`` (in ``org`` when given). A template's
    string finds its Action: an ``Action`` is the string it names."""
    permitted = ACTIONS.get(action)
    if permitted is None:
        return False
    user = current_user if user is None else user
    return bool(effective_roles(user, org) & permitted)


def can(action: Action | str) -> bool:
    """Template helper: may the signed-in user do this here?"""
    return allowed(action, org=roles_org())


def enforce(action: Action | None) -> None:
    """Refuse the request (401 signed out, 403 audited) unless the signed-in user's
    roles permit ``action``: those held in the request's organisation on casework
    URLs, those held anywhere elsewhere. No action (a view naming none) is refused."""
    if not current_user.is_authenticated:
        abort(401)
    if action is None or not allowed(action, org=roles_org()):  # no action: never allowed
        refuse(403, object_type="action", object_id=action)


def requires(action: Action) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse the request (403) unless the signed-in user's roles permit ``action``."""
    if action not in ACTIONS:
        raise LookupError(f"unknown action {action!r}: add it to permissions.ACTIONS")

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            enforce(action)
            return view(*args, **kwargs)

        setattr(wrapped, "permission", action)  # read back by portal.web.permission_of
        return wrapped

    return decorator


def is_lead_admin(user: User) -> bool:
    """An admin of the lead organisation: manages every organisation's staff."""
    return "lead_admin" in effective_roles(user)


def can_manage(user: User, org: Organisation) -> bool:
    """The lead admin manages every organisation; an admin their own."""
    return is_lead_admin(user) or "admin" in user.roles_in(org.id)


def takes_calls_anywhere(user: User) -> bool:
    """Out-of-hours staff reach participants of every organisation (DESIGN.md)."""
    return "ooh" in user.all_roles()


def refuse(code: int, **audit_fields: Any) -> NoReturn:
    """Answer 403/404 on a tenant route, leaving an audit event of the refusal."""
    audit.record_and_commit(f"access.refused.{code}", outcome="refused", **audit_fields)
    abort(code)


def dpo_user_ids() -> list[int]:
    """The active Data Protection Officers: whom the portal tells of what waits for the DPO."""
    return list(
        db.session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == "dpo", User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )
