"""An organisation's home for its members: its name, your roles there, its staff."""

from flask import g, render_template
from flask_login import current_user

from portal.accounts import organisations
from portal.actions import Action
from portal.permissions import requires
from portal.tenancy import org_blueprint

bp = org_blueprint("org", __name__)


@bp.route("/")
@requires(Action.ORG_VIEW)
def home():
    return render_template(
        "org/home.html", roles=sorted(current_user.roles_in(g.org.id)), staff=organisations.staff_of(g.org)
    )
