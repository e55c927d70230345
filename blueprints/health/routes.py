"""``/healthz``: the database answers, for the load balancer."""

from flask import Blueprint, current_app, jsonify

from portal.health import database_answers
from portal.jobs.settings import redis_connection
from portal.permissions import public

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    status = {"database": "ok" if database_answers() else "down", "redis": "inline"}
    if current_app.config.get("REDIS_URL"):
        try:
            redis_connection().ping()
            status["redis"] = "ok"
        except Exception:
            status["redis"] = "down"
    return jsonify(status), 200 if status["database"] == "ok" else 503
