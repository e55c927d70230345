"""Health check for load balancers and monitoring; no personal data."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from portal.extensions import db
from portal.permissions import public

bp = Blueprint("health", __name__)
test_only = Blueprint("test_only", __name__)


@bp.route("/healthz")
@public
def healthz():
    status = {"database": "ok", "redis": "inline"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        status["database"] = "down"
    if current_app.config.get("REDIS_URL"):
        from portal.jobs import redis_connection

        try:
            redis_connection().ping()
            status["redis"] = "ok"
        except Exception:
            status["redis"] = "down"
    return jsonify(status), 200 if status["database"] == "ok" else 503


@test_only.route("/_test/raise")
@public
def raise_error():
    """Registered only in test mode: proves the 500 page hides the stack trace."""
    raise RuntimeError("deliberate failure for the 500 page test")
