"""Logging a data protection rights request (``/rights-requests/new``): any member of staff but DWP's."""

from blueprints.rights_intake.routes import bp  # noqa: F401
