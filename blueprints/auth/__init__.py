"""Sign-in (password, then code) and sign-out."""

from blueprints.auth.routes import bp  # noqa: F401
