"""A user's notifications (marking them read) and, outside production, the email outbox."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import notifications
from portal.actions import Action
from portal.permissions import requires

bp = Blueprint("notifications", __name__, url_prefix="/account")

# Where a "mark as read" button sends the user back to (CSRFProtect checks every POST).
RETURN_TO = {"home": "home.index", "list": "notifications.index"}


def _back():
    return redirect(url_for(RETURN_TO.get(request.form.get("back", ""), "home.index")), code=303)


@bp.route("/notifications")
@requires(Action.NOTIFICATIONS_VIEW)
def index():
    return render_template("notifications/index.html", items=notifications.recent_for(current_user.id))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@requires(Action.NOTIFICATIONS_VIEW)
def mark_read(notification_id):
    if not notifications.mark_read(current_user.id, notification_id):
        abort(404)
    return _back()


@bp.route("/notifications/read-all", methods=["POST"])
@requires(Action.NOTIFICATIONS_VIEW)
def mark_all_read():
    notifications.mark_all_read(current_user.id)
    return _back()


@bp.route("/dev-outbox")
@requires(Action.NOTIFICATIONS_DEV_OUTBOX)
def dev_outbox():
    """Development and test only: the emails that would have gone through GOV.UK Notify."""
    if not notifications.dev_outbox_enabled():
        abort(404)
    return render_template("notifications/dev_outbox.html", messages=notifications.outbox_messages())
