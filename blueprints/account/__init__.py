"""A staff member's own account: password change and recovery, authenticator enrolment."""

from blueprints.account.routes import bp  # noqa: F401
