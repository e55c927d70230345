"""Routes registered only when TESTING: a deliberate error, to test the error page."""

from flask import Blueprint

from portal.permissions import public

bp = Blueprint("test_only", __name__)


@bp.route("/_test/raise")
@public
def raise_error():
    """Registered only in test mode: proves the 500 page hides the stack trace."""
    raise RuntimeError("deliberate failure for the 500 page test")
