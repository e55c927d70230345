"""Reporting a suspected personal data breach (``/breaches/new``): any member of staff."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.consent.forms import fill_now, typed_moment
from blueprints.governance.forms import BreachReportForm
from portal.actions import Action
from portal.governance import breaches
from portal.permissions import requires
from portal.validation import Problems

bp = Blueprint("breaches", __name__, url_prefix="/breaches")


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.BREACH_REPORT)
def new():
    form = BreachReportForm()
    if not form.is_submitted():
        fill_now(form, "discovered_on", "discovered_time")
    if form.validate_on_submit():
        try:
            found = breaches.report(
                current_user,
                what_happened=form.what_happened.data,
                discovered_at=typed_moment(form, "discovered_on", "discovered_time"),
                data_affected=form.data_affected.data,
                people_affected=form.people_affected.data,
                organisations_involved=form.organisations_involved.data,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Breach reported (reference {found.id}): the Data Protection Officer has been told", "success")
            return redirect(url_for("home.index"), code=303)
    return render_template("governance/breach_new.html", form=form, title="Report a suspected personal data breach")


# ----------------------------------------------------------------- the DPO's register
