"""Job pages: one job's status and progress, and the periodic jobs a role owns."""

from blueprints.jobs.routes import bp  # noqa: F401
