"""An organisation's home for its members: its name, your roles there, its staff."""

from blueprints.org.routes import bp  # noqa: F401
