"""Lead and organisation admins: organisations, two-admin MFA resets, reactivation."""

from blueprints.lifecycle.routes import bp  # noqa: F401
