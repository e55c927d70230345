"""A published version of the participant privacy notice (``/privacy-notices/<id>``)."""

from flask import Blueprint, abort, render_template

from portal.actions import Action
from portal.extensions import db
from portal.models import PrivacyNotice
from portal.permissions import requires

bp = Blueprint("privacy_notices", __name__, url_prefix="/privacy-notices")


@bp.route("/<int:notice_id>")
@requires(Action.PRIVACY_NOTICE_READ)
def show_notice(notice_id):
    """A published version of the notice, as participants were given it."""
    notice = db.session.get(PrivacyNotice, notice_id)
    if notice is None or not notice.published:
        abort(404)
    return render_template("consent/notice.html", notice=notice, title=f"Privacy notice version {notice.version}")
