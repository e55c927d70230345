"""Contract areas (lead admin): which organisation delivers in each postcode area."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.contract_areas.forms import AddAreaForm, ChangeAreaForm, RemoveAreaForm, organisation_choices
from portal.actions import Action
from portal.permissions import requires
from portal.referrals import contract_areas

bp = Blueprint("contract_areas", __name__, url_prefix="/admin/contract-areas")


def _show_problem(form, problem: contract_areas.ContractAreaProblem) -> None:
    field = getattr(form, problem.field)
    field.errors = [*field.errors, problem.message]


def _area_or_404(area: str):
    row = contract_areas.get_area(area)
    if row is None:
        abort(404)
    return row


@bp.route("/")
@requires(Action.CONTRACT_AREA_MANAGE)
def index():
    return render_template(
        "contract_areas/index.html", areas=contract_areas.all_areas(), unallocated=contract_areas.unallocated_areas()
    )


@bp.route("/add", methods=["GET", "POST"])
@requires(Action.CONTRACT_AREA_MANAGE)
def add():
    form = AddAreaForm()
    form.organisation.choices = organisation_choices(contract_areas.delivering_organisations())
    if form.validate_on_submit():
        try:
            result = contract_areas.add_area(form.area.data or "", form.organisation.data, user_id=current_user.id)
        except contract_areas.ContractAreaProblem as problem:
            _show_problem(form, problem)
        else:
            flash(f"{result.area.area} is now delivered by {result.area.organisation.name}", "success")
            return redirect(url_for(".index"))
    return render_template("contract_areas/add.html", form=form)


@bp.route("/<area>/change", methods=["GET", "POST"])
@requires(Action.CONTRACT_AREA_MANAGE)
def change(area):
    row = _area_or_404(area)
    form = ChangeAreaForm()
    form.organisation.choices = organisation_choices(contract_areas.delivering_organisations())
    if request.method == "GET":
        form.organisation.data = str(row.org_id)
    if form.validate_on_submit():
        try:
            result = contract_areas.change_area(row.area, form.organisation.data, user_id=current_user.id)
        except contract_areas.ContractAreaProblem as problem:
            _show_problem(form, problem)
        else:
            flash(f"{result.area.area} is now delivered by {result.area.organisation.name}", "success")
            return redirect(url_for(".index"))
    return render_template("contract_areas/change.html", form=form, area=row, changes=contract_areas.history(row.area))


@bp.route("/<area>/remove", methods=["GET", "POST"])
@requires(Action.CONTRACT_AREA_MANAGE)
def remove(area):
    row = _area_or_404(area)
    form = RemoveAreaForm()
    if form.validate_on_submit():
        code = row.area
        contract_areas.remove_area(code, user_id=current_user.id)
        flash(
            f"{code} has been removed: its new referrals will wait in the lead partner’s unallocated queue", "success"
        )
        return redirect(url_for(".index"))
    return render_template("contract_areas/remove.html", form=form, area=row)


@bp.route("/history")
@requires(Action.CONTRACT_AREA_MANAGE)
def history():
    area = contract_areas.normalise_area(request.args.get("area"))
    return render_template("contract_areas/history.html", area=area, changes=contract_areas.history(area or None))
