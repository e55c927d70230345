"""The organisation a request is about, as ``portal.tenancy`` resolved it into ``g``:
read by the audit trail (an event's organisation), by permissions (whose roles count)
and by tenancy itself. It imports nothing of the portal, so each of those can."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g

if TYPE_CHECKING:
    from portal.models import Organisation


def roles_org() -> Organisation | None:
    """The organisation whose roles count on this request (``g.org`` on casework
    URLs), or None where the roles held anywhere count (fixed URLs, ``/ooh/<org>/``,
    ``/admin/<slug>/``)."""
    policy = g.get("org_policy")
    if policy is not None and not policy.roles_in_org:
        return None
    org: Organisation | None = g.get("org")
    return org
