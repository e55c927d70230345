"""Complaints to the DPO about how personal data is used (``/dpo/complaints``): logged,
investigated, answered. Views of the ``requests`` blueprint (endpoints
``dpo.requests.complaint...``)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.dpo.requests import bp as bp  # re-exported: these views are the requests blueprint's
from blueprints.dpo.requests_forms import ComplaintCloseForm, ComplaintForm, InvestigationForm
from portal import clock, tenancy
from portal.actions import Action
from portal.models.rights import Complaint
from portal.permissions import requires
from portal.rights import rights_complaints
from portal.validation import Problems


@bp.route("/complaints")
@requires(Action.RIGHTS_REQUEST_MANAGE)
def complaints():
    rows = rights_complaints.all_complaints()
    rights_complaints.audit_list(rows, current_user.id)
    return render_template("rights/complaints.html", complaints=rows, title="Complaints")


@bp.route("/complaints/new", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def new_complaint():
    form = ComplaintForm()
    if not form.is_submitted():
        form.received_on.data = clock.today()
    if form.validate_on_submit():
        try:
            found = rights_complaints.log_complaint(
                form.complainant_name.data,
                form.complainant_contact.data,
                form.about.data,
                form.received_on.data,
                form.channel.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Complaint {found.reference} logged", "success")
            return redirect(url_for(".complaint", complaint_id=found.id))
    return render_template("rights/form.html", form=form, found=None, action=request.path, title="Log a complaint")


@bp.route("/complaints/<int:complaint_id>", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def complaint(complaint_id):
    found = tenancy.service_wide_get(Complaint, complaint_id)
    notes, close_form = InvestigationForm(), ComplaintCloseForm()
    if request.method == "GET":
        notes.investigation.data = found.investigation
        rights_complaints.audit_view(found, current_user.id)
    elif "save_notes" in request.form and notes.validate_on_submit():
        try:
            rights_complaints.record_investigation(found, notes.investigation.data, current_user.id)
        except Problems as problems:
            show_problems(notes, problems)
        else:
            flash("Investigation notes saved", "success")
            return redirect(url_for(".complaint", complaint_id=found.id))
    elif "save_notes" not in request.form and close_form.validate_on_submit():
        try:
            rights_complaints.close_complaint(
                found,
                close_form.outcome.data,
                close_form.outcome_on.data,
                close_form.ico_told_on.data,
                close_form.ico_told_method.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(close_form, problems)
        else:
            flash("Complaint closed", "success")
            return redirect(url_for(".complaint", complaint_id=found.id))
    errors = [{"text": e, "href": f"#{f.id}"} for form in (notes, close_form) for f in form for e in (f.errors or [])]
    return render_template(
        "rights/complaint.html",
        found=found,
        notes=notes,
        close_form=close_form,
        errors=errors,
        title=f"Complaint {found.reference}",
    )
