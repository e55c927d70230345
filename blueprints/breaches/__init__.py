"""Reporting a suspected personal data breach (``/breaches/new``): any member of staff."""

from blueprints.breaches.routes import bp  # noqa: F401
