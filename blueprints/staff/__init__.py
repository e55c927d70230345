"""Staff accounts under /admin/: organisations, their staff, invitations, roles, deactivation.

The lead admin reaches every organisation; an organisation's admin only their own
(any other answers 404, so other organisations' staff lists do not leak): the
``ADMINISTRATION`` policy of ``portal.tenancy`` resolves ``/admin/<slug>/`` into ``g.org``."""

from blueprints.staff.routes import bp  # noqa: F401
