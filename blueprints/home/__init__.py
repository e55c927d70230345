"""Each user's home page: what their roles let them do."""

from blueprints.home.routes import bp  # noqa: F401
