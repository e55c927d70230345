"""``/healthz``: the database answers, for the load balancer."""

from blueprints.health.routes import bp  # noqa: F401
