"""Organisations: created and renamed by the lead admin (lead and delivery
organisations), and their staff lists.

A slug is the organisation's first path segment (``/h2e/...``) and its segment under
``/admin/`` and ``/ooh/`` (``/admin/h2e/``), so it must be free of the fixed segments
there (``portal.tenancy.slug_problem``, read from the URL map, so a page added later is
protected the day it is added). Slugs and names
are unique. There is one lead partner; the commissioner (DWP) is fixed and is
neither created nor renamed here. Every change is audited by id.
"""

from collections import defaultdict

from sqlalchemy import func, select

from portal import audit
from portal.extensions import db
from portal.models import Membership, Organisation, User
from portal.tenancy import organisation_by_slug, slug_problem

KIND_NAMES = {"lead": "Lead partner", "delivery": "Delivery partner", "commissioner": "Commissioner"}
NAME_MAX = 200


class OrganisationProblem(ValueError):
    """A change the rules refuse; ``field`` names the form field to point at."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def lead_organisation() -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.kind == "lead")).first()


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def _normalise_slug(slug: str | None) -> str:
    return (slug or "").strip()


def _check_slug(slug: str, exclude_id: int | None = None) -> None:
    if not slug:
        raise OrganisationProblem("slug", "Enter a short name for web addresses, like h2e")
    problem = slug_problem(slug)
    if problem:
        raise OrganisationProblem("slug", problem)
    existing = organisation_by_slug(slug)
    if existing is not None and existing.id != exclude_id:
        raise OrganisationProblem("slug", f"‘{slug}’ is already used by {existing.name}")


def _check_name(name: str, exclude_id: int | None = None) -> None:
    if not name:
        raise OrganisationProblem("name", "Enter the organisation’s name")
    if len(name) > NAME_MAX:
        raise OrganisationProblem("name", f"The name must be {NAME_MAX} characters or fewer")
    existing = db.session.scalars(select(Organisation).where(func.lower(Organisation.name) == name.lower())).first()
    if existing is not None and existing.id != exclude_id:
        raise OrganisationProblem("name", "There is already an organisation with this name")


COMMISSIONER_SLUG = "dwp"  # its pages are the fixed /dwp/ routes, never /<org>/


def create_organisation(name: str, slug: str, kind: str, *, actor_id: int | None) -> Organisation:
    """A new lead or delivery organisation. Its staff are then added from its staff
    page; postcode areas are given to it on the contract areas page."""
    name, slug = _clean_name(name), _normalise_slug(slug)
    _check_name(name)
    _check_slug(slug)
    if kind not in ("lead", "delivery"):
        raise OrganisationProblem("kind", "Select whether it is the lead partner or a delivery partner")
    if kind == "lead":
        lead = lead_organisation()
        if lead is not None:
            raise OrganisationProblem("kind", f"{lead.name} is already the lead partner: there is only one")
    return _create(name, slug, kind, actor_id)


def create_commissioner(name: str, slug: str, *, actor_id: int | None) -> Organisation:
    """The commissioner (DWP), for `create-user` on a fresh production database: there
    is one, its slug is fixed, and its staff hold the `dwp` role (and `admin`)."""
    name, slug = _clean_name(name), _normalise_slug(slug)
    _check_name(name)
    if slug != COMMISSIONER_SLUG:
        raise OrganisationProblem("slug", f"The commissioner’s slug is {COMMISSIONER_SLUG}")
    if db.session.scalars(select(Organisation).where(Organisation.kind == "commissioner")).first() is not None:
        raise OrganisationProblem("kind", "The commissioner exists already: there is only one")
    if organisation_by_slug(slug) is not None:
        raise OrganisationProblem("slug", f"‘{slug}’ is already used")
    return _create(name, slug, "commissioner", actor_id)


def _clean_name(name: str | None) -> str:
    return " ".join((name or "").split())


def _create(name: str, slug: str, kind: str, actor_id: int | None) -> Organisation:
    org = Organisation(name=name, slug=slug, kind=kind)
    db.session.add(org)
    db.session.flush()
    audit.record(
        "organisation.created",
        object_type="organisation",
        object_id=org.id,
        org_id=org.id,
        user_id=actor_id,
        detail={"kind": kind},
    )
    db.session.commit()
    return org


def rename_organisation(org: Organisation, name: str, slug: str, *, actor_id: int | None) -> list[str]:
    """Change a lead or delivery organisation's name and, if asked, its slug (its web
    addresses change with it: old links stop working). Returns the fields changed."""
    if not org.delivers:
        raise OrganisationProblem("name", "The commissioner’s name and address are fixed")
    name, slug = _clean_name(name), _normalise_slug(slug)
    _check_name(name, exclude_id=org.id)
    _check_slug(slug, exclude_id=org.id)
    changed = [field for field, value in (("name", name), ("slug", slug)) if getattr(org, field) != value]
    if not changed:
        raise OrganisationProblem("name", "Change the name or the short name, or go back")
    org.name = name
    org.slug = slug
    audit.record(
        "organisation.renamed",
        object_type="organisation",
        object_id=org.id,
        org_id=org.id,
        user_id=actor_id,
        detail={"fields": changed},
    )
    db.session.commit()
    return changed


def staff_of(org: Organisation) -> list[tuple[User, list[str]]]:
    """Active staff of an organisation with their roles there, by name (one query)."""
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id, User.active.is_(True))
        .order_by(User.name, Membership.role)
    ).all()
    roles: dict[int, list[str]] = defaultdict(list)
    users: dict[int, User] = {}
    for user, role in rows:
        users[user.id] = user
        roles[user.id].append(role)
    return [(users[uid], roles[uid]) for uid in users]
