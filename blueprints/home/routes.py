"""Each user's home page: what their roles let them do."""

from flask import Blueprint, render_template
from flask_login import current_user

from portal import notifications
from portal.accounts import home
from portal.actions import Action
from portal.permissions import requires

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(Action.HOME_VIEW)
def index():
    return render_template(
        "home/index.html",
        sections=home.sections_for(current_user),
        notifications=notifications.unread_for(current_user.id),
    )
