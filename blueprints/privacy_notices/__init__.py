"""A published version of the participant privacy notice (``/privacy-notices/<id>``)."""

from blueprints.privacy_notices.routes import bp  # noqa: F401
