"""The current organisation, and the only way to fetch organisation-owned rows.

Casework lives under ``/<org>/...``. Blueprints made by ``org_blueprint`` resolve
the organisation once per request into ``g.org`` and answer 404 to anyone who is
not a member, so a record of another organisation never leaks its existence.
Every organisation-owned row is fetched through ``scoped_get``/``scoped_select``,
which take the organisation; there is no unscoped twin. The service-wide pages (the
DPO's) use ``service_wide_get``, whose name says what it is.
"""
from flask import Blueprint, abort, g, request
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import Organisation
from portal.models.organisation import RESERVED_SLUGS


def org_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose every URL starts with ``/<org>`` and is tenant-checked."""
    bp = Blueprint(name, import_name, url_prefix="/<org>" + url_prefix)

    @bp.url_value_preprocessor
    def _pull_org(endpoint, values):
        request.org_slug = values.pop("org", None)

    @bp.url_defaults
    def _add_org(endpoint, values):
        if "org" not in values and g.get("org") is not None:
            values["org"] = g.org.slug

    @bp.before_request
    def _check_membership():
        load_current_org(getattr(request, "org_slug", None))

    return bp


def load_current_org(slug: str | None) -> Organisation:
    """Resolve ``slug`` into ``g.org`` for a member; 404 (audited) for anyone else."""
    org = None
    if slug and slug not in RESERVED_SLUGS:
        org = db.session.scalars(
            select(Organisation).where(
                Organisation.slug == slug, Organisation.kind.in_(("lead", "delivery"))
            )
        ).first()
    if org is None or not current_user.is_authenticated or not current_user.roles_in(org.id):
        refuse(404, org_id=org.id if org else None)
    g.org = org
    return org


def refuse(code: int, **audit_fields):
    """Answer 403/404 on a tenant route, leaving an audit event of the refusal."""
    from portal import audit

    audit.record_and_commit(f"access.refused.{code}", outcome="refused", **audit_fields)
    abort(code)


def scoped_select(model, org: Organisation | None = None):
    """``select(model)`` limited to the organisation (``g.org`` by default)."""
    org = org or g.org
    return select(model).where(model.org_id == org.id)


def scoped_get(model, object_id, org: Organisation | None = None):
    """One organisation-owned row by id, or 404 (audited, as any refusal on a tenant
    route) when it is missing or another organisation's: the two are indistinguishable
    on purpose."""
    org = org or g.org
    number = valid_id(object_id)
    row = db.session.scalars(scoped_select(model, org).where(model.id == number)).first() if number else None
    if row is None:
        refuse(404, org_id=org.id, object_type=model.__tablename__, object_id=number)
    return row


# Row ids are 32-bit integers on every database; a larger number is no row (SQLite would
# otherwise fail on it with an error instead of a 404).
MAX_ID = 2**31 - 1


def valid_id(value) -> int | None:
    """``value`` (from an address or a form) as a row id (1 to MAX_ID), or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def service_wide_get(model, object_id):
    """One row by id whatever its organisation, for the service-wide pages only (the
    DPO's ``/dpo/`` and the lead admin's): their ``@requires`` grants only roles that
    "Who may see what" lets see every organisation. 404 when missing or not an id."""
    object_id = valid_id(object_id)
    row = db.session.get(model, object_id) if object_id else None
    if row is None:
        abort(404)
    return row


def slug_problem(slug: str) -> str | None:
    """Why a lead or delivery organisation may not have this slug, or None."""
    import re

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug or ""):
        return "Slug must be lower-case letters, digits and single hyphens"
    if slug in RESERVED_SLUGS:
        return f"‘{slug}’ is reserved for the portal’s own pages"
    if len(slug) > 40:
        return "Slug must be 40 characters or fewer"
    return None
