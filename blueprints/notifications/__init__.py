"""A user's notifications (marking them read) and, outside production, the email outbox."""

from blueprints.notifications.routes import bp  # noqa: F401
