"""The DPO's out-of-hours log (``/dpo/ooh-log``): every organisation."""

from flask import Blueprint

from blueprints.ooh_oversight.routes import show_log
from portal.access import participant_access
from portal.actions import Action
from portal.permissions import requires

bp = Blueprint("ooh", __name__)


@bp.route("/ooh-log")
@requires(Action.OOH_LOG)
@participant_access.reads_participant_data
def dpo_log():
    return show_log(None, "dpo.ooh.dpo_log")
