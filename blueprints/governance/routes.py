"""Training records and compliance (``/admin/<org>/training``) and quarterly access reviews
(``/admin/<org>/access-review``, ``/admin/access-reviews`` for the lead admin)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.governance.forms import ConfirmForm, TrainingForm, TrainingUploadForm
from portal import clock, tenancy
from portal.accounts import staff
from portal.actions import Action
from portal.governance import access_reviews, training
from portal.permissions import requires
from portal.tenancy import ADMINISTRATION, org_blueprint
from portal.validation import Problems

bp = org_blueprint("governance", __name__, policy=ADMINISTRATION)


# ----------------------------------------------------------------- reporting a breach


def _training_page(org, form=None, upload_form=None, upload_errors=None, status=200):
    result = training.compliance(org)
    training.audit_compliance_view(org)
    return render_template(
        "governance/training.html",
        org=org,
        result=result,
        form=form,
        upload_form=upload_form or TrainingUploadForm(formdata=None),
        upload_errors=upload_errors,
        training_form=TrainingForm(formdata=None),
        lapses_on=training.lapses_on,
        title=f"Data protection training: {org.name}",
    ), status


@bp.route("/training-compliance")
@requires(Action.TRAINING_MANAGE)
def training_overview():
    orgs = staff.manageable_orgs(current_user)
    if len(orgs) == 1:
        return redirect(url_for(".training_page", slug=orgs[0].slug))
    rows = [training.compliance(org) for org in orgs]
    training.audit_overview_view(orgs)
    return render_template("governance/training_overview.html", rows=rows, title="Data protection training")


@bp.route("/<slug>/training")
@requires(Action.TRAINING_MANAGE)
def training_page():
    return _training_page(g.org)


@bp.route("/<slug>/training/upload", methods=["POST"])
@requires(Action.TRAINING_MANAGE)
def training_upload():
    org = g.org
    form = TrainingUploadForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors = ["Select a CSV file"]
        else:
            result = training.upload(org, upload.read(2_000_000), current_user.id)
            if not result.errors:
                flash(f"{result.saved} training dates saved", "success")
                return redirect(url_for(".training_page", slug=org.slug), code=303)
            form.file.errors = [f"Row {n}: {m}" if n else m for n, m in result.errors]
            return _training_page(org, form=form, upload_form=form, upload_errors=result.errors, status=400)
    return _training_page(org, form=form, upload_form=form, status=400)


@bp.route("/<slug>/staff/<int:user_id>/training", methods=["GET", "POST"])
@requires(Action.TRAINING_MANAGE)
def training_member(user_id):
    org = g.org
    user = tenancy.member(user_id)
    form = TrainingForm()
    if request.method == "GET":
        form.completed_on.data = user.dp_training_completed_on
    elif form.validate_on_submit():
        if form.completed_on.data is None:
            form.completed_on.errors = ["Enter the date the training was completed"]
        else:
            try:
                training.record(org, user, form.completed_on.data, current_user.id)
            except ValueError as problem:
                form.completed_on.errors = [getattr(problem, "message", str(problem))]
            else:
                flash(f"Training date saved for {user.name}", "success")
                return redirect(url_for(".training_page", slug=org.slug), code=303)
    status = 400 if form.errors else 200
    return render_template(
        "governance/training_member.html",
        org=org,
        user=user,
        form=form,
        status_of=training.status_of,
        lapses_on=training.lapses_on,
        title=f"Training date for {user.name}",
    ), status


# ----------------------------------------------------------------- access reviews


@bp.route("/access-reviews")
@requires(Action.ACCESS_REVIEW_OVERSEE)
def access_reviews_overview():
    rows = access_reviews.statuses(staff.manageable_orgs(current_user))
    today = clock.today()
    return render_template(
        "governance/access_reviews.html",
        rows=rows,
        quarter=access_reviews.quarter_of(today),
        due_by=access_reviews.due_by(today),
        grace=access_reviews.GRACE_DAYS,
        title="Quarterly access reviews",
    )


@bp.route("/<slug>/access-review", methods=["GET", "POST"])
@requires(Action.ACCESS_REVIEW_MANAGE)
def access_review():
    org = g.org
    accounts = access_reviews.accounts(org)
    errors, status = [], 200
    form = ConfirmForm()
    chosen = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        decisions = {}
        for user, roles in accounts:
            decision = request.form.get(f"account_{user.id}")
            remove = [r for r in request.form.getlist(f"remove_{user.id}") if r in roles]
            decisions[user.id] = (decision, remove)
            chosen[user.id] = (decision, remove)
        try:
            review = access_reviews.record_review(org, current_user, decisions)
        except Problems as problems:
            errors = [{"text": p.message, "href": f"#{p.field or 'accounts'}"} for p in problems.problems]
            status = 400
        else:
            flash(f"Access review for {review.quarter} recorded", "success")
            return redirect(url_for(".access_review", slug=org.slug), code=303)
    else:
        access_reviews.audit_view(org, accounts)
    today = clock.today()
    return render_template(
        "governance/access_review.html",
        org=org,
        accounts=accounts,
        confirm_form=form,
        errors=errors,
        chosen=chosen,
        role_names=staff.ROLE_NAMES,
        reviews=access_reviews.reviews_of(org),
        overdue=access_reviews.is_overdue(org, today),
        quarter=access_reviews.quarter_of(today),
        due_by=access_reviews.due_by(today),
        title=f"Access review: {org.name}",
    ), status


@bp.app_template_global()
def overdue_access_reviews() -> list:
    """Organisations whose quarterly access review is overdue (for the lead admin's page)."""
    return [s.org for s in access_reviews.statuses(staff.manageable_orgs(current_user)) if s.overdue]
