"""The database probe behind ``/healthz``."""

from sqlalchemy import text

from portal.extensions import db


def database_answers() -> bool:
    """Whether the database answers a trivial query; a failed probe's transaction is
    rolled back so the session stays usable for the rest of the request."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return False
    return True
