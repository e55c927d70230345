"""API clients (lead admin): register, rotate and revoke the machine clients of the API."""

from blueprints.api_clients.routes import bp  # noqa: F401
