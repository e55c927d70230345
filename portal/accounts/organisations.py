"""Organisations and their staff lists."""

from collections import defaultdict

from sqlalchemy import select

from portal.extensions import db
from portal.models import Membership, Organisation, User


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
