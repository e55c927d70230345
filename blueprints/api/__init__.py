"""The machine API: OAuth2 client credentials at /oauth/token, reports and referrals under /api/v1/."""

from blueprints.api.routes import bp  # noqa: F401
