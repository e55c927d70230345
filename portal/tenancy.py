"""The current organisation, and the only way to fetch organisation-owned rows.

Three families of URLs name an organisation: casework under ``/<org>/...``, the
out-of-hours call pages under ``/ooh/<org>/...`` and the admin pages under
``/admin/<slug>/...``. Each is a blueprint made by ``org_blueprint`` with its
``OrgPolicy``; one preprocessor (``_pull_slug`` then ``enter_org``) resolves the
slug into ``g.org`` once per request and answers an audited 404 to anyone the policy
does not let reach that organisation, so another organisation's pages never leak
their existence. Every organisation-owned row is fetched through
``scoped_get``/``scoped_find``/``scoped_select``, which take the organisation; there
is no unscoped twin. The service-wide pages (the DPO's, the lead admin's) use
``service_wide_get``, whose name says what it is. Slugs an organisation may not take
are read from the URL map (``reserved_slugs``), never kept by hand.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from flask import Blueprint, Flask, abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import Select, select

from portal import permissions
from portal.extensions import Model, db
from portal.models import Membership, Organisation, User
from portal.models.organisation import KINDS
from portal.permissions import refuse as refuse  # re-exported: tenancy's own
from portal.request_org import roles_org as roles_org  # re-exported: tenancy's own

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

DELIVERING = ("lead", "delivery")


class OrgOwned(Protocol):
    """A model whose rows belong to one organisation (what the scoped fetches need)."""

    __tablename__: str

    @property
    def id(self) -> int: ...
    @property
    def org_id(self) -> int | None: ...


Owned = TypeVar("Owned", bound=OrgOwned)
Row = TypeVar("Row", bound=Model)


@dataclass(frozen=True)
class OrgPolicy:
    """How one family of URLs names an organisation and who may reach it there.

    ``roles_in_org``: only the roles held in that organisation count for the route's
    permission (casework); otherwise the roles held anywhere do, so the organisation
    in the address is what is worked on, not where the user's roles come from.
    ``permission_first``: the route's permission (roles held anywhere) answers before
    the organisation, so a role missing everywhere is a 403 and only a reachable
    role's other organisations are 404s.
    """

    prefix: str
    key: str
    kinds: tuple[str, ...]
    reaches: Callable[[User, Organisation], bool]
    roles_in_org: bool
    permission_first: bool = False

    @property
    def slug_is_first_segment(self) -> bool:
        return self.prefix == f"/<{self.key}>"


def _holds_a_role_there(user: User, org: Organisation) -> bool:
    return bool(user.roles_in(org.id))


def _takes_its_calls(user: User, org: Organisation) -> bool:
    # The organisation's own staff, and out-of-hours staff of any organisation; the
    # call pages then decide per participant (portal.access.ooh_access.call_level).
    return permissions.takes_calls_anywhere(user) or bool(user.roles_in(org.id))


def _manages(user: User, org: Organisation) -> bool:
    return permissions.can_manage(user, org)


# Casework: members of a lead or delivery organisation; their roles there count.
CASEWORK = OrgPolicy(prefix="/<org>", key="org", kinds=DELIVERING, reaches=_holds_a_role_there, roles_in_org=True)
# Out-of-hours calls: out-of-hours staff of any organisation, or the organisation's own staff.
OUT_OF_HOURS = OrgPolicy(prefix="/ooh", key="org", kinds=DELIVERING, reaches=_takes_its_calls, roles_in_org=False)
# Staff administration: the organisation's admins, or the lead admin (any kind of organisation).
ADMINISTRATION = OrgPolicy(
    prefix="/admin", key="slug", kinds=KINDS, reaches=_manages, roles_in_org=False, permission_first=True
)

POLICIES = (CASEWORK, OUT_OF_HOURS, ADMINISTRATION)


def org_blueprint(name: str, import_name: str, url_prefix: str = "", *, policy: OrgPolicy = CASEWORK) -> Blueprint:
    """A blueprint under ``policy.prefix`` whose URLs naming an organisation (through
    ``policy.key``) resolve it into ``g.org`` and refuse whoever may not reach it."""
    bp = Blueprint(name, import_name, url_prefix=policy.prefix + url_prefix)
    setattr(bp, "org_policy", policy)  # a marker the tests read back

    @bp.url_value_preprocessor
    def _pull_slug(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and policy.key in values:
            setattr(request, "org_slug", values.pop(policy.key))  # read back by enter_org

    @bp.url_defaults
    def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
        org = g.get("org")
        if (
            org is not None
            and policy.key not in values
            and current_app.url_map.is_endpoint_expecting(endpoint, policy.key)
        ):
            values[policy.key] = org.slug

    # Registered first, so the blueprint's own hooks run with ``g.org`` set.
    bp.before_request(lambda: enter_org(policy))
    return bp


def enter_org(policy: OrgPolicy) -> None:
    """Resolve the request's slug into ``g.org`` for whoever ``policy`` lets reach it;
    404 (audited) for an unknown slug and for anyone else. Pages that name no
    organisation pass through."""
    if not hasattr(request, "org_slug"):
        return
    slug = str(getattr(request, "org_slug") or "")
    if policy.permission_first:
        assert request.endpoint is not None  # a blueprint's hook runs on a matched URL
        view = current_app.view_functions.get(request.endpoint)
        permissions.enforce(getattr(view, "permission", None))
    org = organisation_by_slug(slug, policy.kinds)
    if org is not None and policy.slug_is_first_segment and slug in reserved_slugs():
        org = None  # a fixed first segment is never an organisation's casework
    if org is None or not current_user.is_authenticated or not policy.reaches(current_user, org):
        refuse(404, org_id=org.id if org else None, object_type="organisation", object_id=slug[:60])
    g.org = org
    g.org_policy = policy


def organisation_by_slug(slug: str, kinds: tuple[str, ...] | None = None) -> Organisation | None:
    """The organisation with this slug (of one of ``kinds`` when given), or None."""
    query = select(Organisation).where(Organisation.slug == str(slug or ""))
    if kinds is not None:
        query = query.where(Organisation.kind.in_(kinds))
    return db.session.scalars(query).first()


def scoped_select(model: type[Owned], org: Organisation | None = None) -> Select[Owned]:
    """``select(model)`` limited to the organisation (``g.org`` by default)."""
    org = org or g.org
    return select(model).where(getattr(model, "org_id") == org.id)  # the mapped column (OrgOwned types rows)


def scoped_find(model: type[Owned], object_id: object, org: Organisation | None = None) -> Owned | None:
    """One organisation-owned row by id, or None where a missing row is not an error
    (a link that may point elsewhere, a row that may have been erased): the same
    lookup as ``scoped_get``."""
    org = org or g.org
    number = valid_id(object_id)
    return (
        db.session.scalars(scoped_select(model, org).where(getattr(model, "id") == number)).first() if number else None
    )


def scoped_get(model: type[Owned], object_id: object, org: Organisation | None = None) -> Owned:
    """One organisation-owned row by id, or 404 (audited, as any refusal on a tenant
    route) when it is missing or another organisation's: the two are indistinguishable
    on purpose."""
    org = org or g.org
    row = scoped_find(model, object_id, org)
    if row is None:
        refuse(404, org_id=org.id, object_type=model.__tablename__, object_id=valid_id(object_id))
    return row


def member(user_id: object, org: Organisation | None = None) -> User:
    """A user holding at least one role in the organisation (``g.org`` by default),
    active or not; 404 (audited) for anyone else, so other organisations' staff do
    not leak."""
    org = org or g.org
    number = valid_id(user_id)
    user = (
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(User.id == number, Membership.org_id == org.id)
        ).first()
        if number
        else None
    )
    if user is None:
        refuse(404, object_type="user", object_id=user_id, org_id=org.id)
    return user


# Row ids are 32-bit integers on every database; a larger number is no row (SQLite would
# otherwise fail on it with an error instead of a 404).
MAX_ID = 2**31 - 1


def valid_id(value: object) -> int | None:
    """``value`` (from an address or a form) as a row id (1 to MAX_ID), or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def service_wide_get(model: type[Row], object_id: object) -> Row:
    """One row by id whatever its organisation, for the service-wide pages only (the
    DPO's ``/dpo/`` and the lead admin's): their ``@requires`` grants only roles that
    "Who may see what" lets see every organisation. 404 when missing or not an id."""
    object_id = valid_id(object_id)
    row = db.session.get(model, object_id) if object_id else None
    if row is None:
        abort(404)
    return row


# GOV.UK Frontend's compiled CSS looks for its fonts and images under /assets/ by
# default (STACK.md): a proxy may serve them there, outside the app's URL map.
RESERVED_OUTSIDE_THE_APP = frozenset({"assets"})


def reserved_slugs() -> frozenset[str]:
    """Segments no organisation's slug may be, read from the app's URL map: every
    fixed first segment (``/dpo/``, ``/login``...), where a casework slug goes, and
    every fixed segment where the other families put theirs (``/admin/organisations``,
    ``/ooh/access``...). Computed once per app."""
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    cached: frozenset[str] | None = app.extensions.get("portal.reserved_slugs")
    if cached is None:
        cached = app.extensions["portal.reserved_slugs"] = _fixed_segments(app) | RESERVED_OUTSIDE_THE_APP
    return cached


def _fixed_segments(app: Flask) -> frozenset[str]:
    slug_positions = {
        tuple(p.strip("/").split("/")) if p.strip("/") else ()
        for p in (policy.prefix for policy in POLICIES if not policy.slug_is_first_segment)
    }
    slug_positions.add(())
    segments: set[str] = set()
    for rule in app.url_map.iter_rules():
        parts = rule.rule.strip("/").split("/")
        for before in slug_positions:
            if (
                len(parts) > len(before)
                and tuple(parts[: len(before)]) == before
                and parts[len(before)]
                and "<" not in parts[len(before)]
            ):
                segments.add(parts[len(before)])
    return frozenset(segments)


def slug_problem(slug: str) -> str | None:
    """Why an organisation may not have this slug, or None (needs the app: the
    reserved segments come from its URL map)."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug or ""):
        return "Slug must be lower-case letters, digits and single hyphens"
    if slug in reserved_slugs():
        return f"‘{slug}’ is reserved for the portal’s own pages"
    if len(slug) > 40:
        return "Slug must be 40 characters or fewer"
    return None
