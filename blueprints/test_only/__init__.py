"""Routes registered only when TESTING: a deliberate error, to test the error page."""

from blueprints.test_only.routes import bp  # noqa: F401
