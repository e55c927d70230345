"""Admin pages of the account lifecycle, under /admin/ beside the staff pages:
organisations (lead admin), two-admin MFA resets and reactivation (lead admin, or the
organisation's admin: any other organisation answers 404, as on the staff pages, through
the same ``ADMINISTRATION`` policy of ``portal.tenancy``)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from blueprints.lifecycle.forms import ConfirmForm, CreateOrganisationForm, MfaResetRequestForm, RenameOrganisationForm
from portal import tenancy
from portal.accounts import mfa_reset, organisations, reactivation
from portal.actions import Action
from portal.models import MfaReset
from portal.permissions import requires
from portal.tenancy import ADMINISTRATION, org_blueprint, refuse

bp = org_blueprint("lifecycle", __name__, policy=ADMINISTRATION)


def _show_problem(form, problem) -> None:
    field = getattr(form, problem.field)
    field.errors = [*field.errors, problem.message]


# Organisations (lead admin)


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires(Action.ORGANISATION_MANAGE)
def create_organisation():
    form = CreateOrganisationForm()
    if form.validate_on_submit():
        try:
            org = organisations.create_organisation(
                form.name.data or "", form.slug.data or "", form.kind.data, actor_id=current_user.id
            )
        except organisations.OrganisationProblem as problem:
            _show_problem(form, problem)
        else:
            flash(
                f"{org.name} has been added. Create its staff accounts here, and give it postcode areas on "
                "the contract areas page.",
                "success",
            )
            return redirect(url_for("staff.org_staff", slug=org.slug), code=303)
    return render_template("lifecycle/create_organisation.html", form=form, lead=organisations.lead_organisation())


@bp.route("/organisations/<slug>/rename", methods=["GET", "POST"])
@requires(Action.ORGANISATION_MANAGE)
def rename_organisation():
    org = g.org
    if not org.delivers:
        abort(404)
    form = RenameOrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            organisations.rename_organisation(org, form.name.data or "", form.slug.data or "", actor_id=current_user.id)
        except organisations.OrganisationProblem as problem:
            _show_problem(form, problem)
        else:
            flash(f"Saved: {org.name}, at /{org.slug}/", "success")
            return redirect(url_for("staff.index"), code=303)
    return render_template("lifecycle/rename_organisation.html", form=form, org=org)


# Lost phone: two-admin MFA reset


def _mfa_page(org, user, form=None, errors=None, status=200):
    pending = mfa_reset.pending_for(user.id)
    return render_template(
        "lifecycle/mfa_reset.html",
        org=org,
        user=user,
        pending=pending,
        expires_at=mfa_reset.expires_at(pending) if pending else None,
        may_request=mfa_reset.may_request(current_user, org, user),
        may_approve=mfa_reset.may_approve(current_user, pending) if pending else None,
        recent=mfa_reset.recent_for(user.id),
        state=mfa_reset.state,
        form=form or MfaResetRequestForm(),
        confirm_form=ConfirmForm(),
        errors=errors,
    ), status


@bp.route("/<slug>/staff/<int:user_id>/mfa-reset", methods=["GET", "POST"])
@requires(Action.STAFF_MFA_RESET)
def mfa_reset_page(user_id):
    org = g.org
    user = tenancy.member(user_id)
    form = MfaResetRequestForm()
    if form.validate_on_submit():
        try:
            mfa_reset.request_reset(current_user, org, user, form.reason.data or "")
        except mfa_reset.MfaResetProblem as problem:
            _show_problem(form, problem)
        else:
            flash("The reset has been asked for. Another administrator must now approve it.", "success")
            return redirect(url_for(".mfa_reset_page", slug=org.slug, user_id=user.id), code=303)
    return _mfa_page(org, user, form=form)


@bp.route("/<slug>/mfa-resets/<int:reset_id>/approve", methods=["POST"])
@requires(Action.STAFF_MFA_RESET)
def approve_mfa_reset(reset_id):
    org = g.org
    reset = tenancy.scoped_get(MfaReset, reset_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            mfa_reset.approve(current_user, reset)
        except mfa_reset.MfaResetProblem as problem:
            return _mfa_page(org, reset.user, errors=[{"text": problem.message, "href": "#decision"}])
        flash(
            "Approved. Their security codes have been reset and they have been signed out. They will set up "
            "their authenticator app again when they next sign in.",
            "success",
        )
    return redirect(url_for(".mfa_reset_page", slug=org.slug, user_id=reset.user_id), code=303)


@bp.route("/<slug>/mfa-resets/<int:reset_id>/cancel", methods=["POST"])
@requires(Action.STAFF_MFA_RESET)
def cancel_mfa_reset(reset_id):
    org = g.org
    reset = tenancy.scoped_get(MfaReset, reset_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            mfa_reset.cancel(current_user, reset)
        except mfa_reset.MfaResetProblem as problem:
            return _mfa_page(org, reset.user, errors=[{"text": problem.message, "href": "#decision"}])
        flash("The request has been cancelled. Their security codes have not changed.", "success")
    return redirect(url_for(".mfa_reset_page", slug=org.slug, user_id=reset.user_id), code=303)


# Reactivation


@bp.route("/<slug>/staff/<int:user_id>/reactivate", methods=["GET", "POST"])
@requires(Action.STAFF_REACTIVATE)
def reactivate(user_id):
    org = g.org
    user = tenancy.member(user_id)
    if user.id == current_user.id:
        refuse(403, object_type="user", object_id=user.id, org_id=org.id)
    form = ConfirmForm()
    errors = None
    if form.validate_on_submit():
        try:
            reactivation.reactivate(org, user, current_user)
        except reactivation.ReactivationRefused as refused:
            errors = [{"text": refused.message, "href": "#reactivate"}]
        else:
            flash(
                "Account reactivated. They can sign in again."
                if user.password_hash
                else "Account reactivated. They have not set it up yet: send them a new invitation.",
                "success",
            )
            return redirect(url_for("staff.member", slug=org.slug, user_id=user.id), code=303)
    return render_template(
        "lifecycle/reactivate.html",
        org=org,
        user=user,
        confirm_form=form,
        errors=errors,
        allowed=reactivation.can_reactivate(current_user, user),
    )
