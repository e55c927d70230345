"""Staff accounts under /admin/: organisations, their staff, invitations, roles, deactivation.

The lead admin reaches every organisation; an organisation's admin only their own
(any other answers 404, so other organisations' staff lists do not leak): the
``ADMINISTRATION`` policy of ``portal.tenancy`` resolves ``/admin/<slug>/`` into ``g.org``.
"""

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from blueprints.staff.forms import ConfirmForm, CreateStaffForm, GrantRoleForm, role_choices, role_hints
from portal import notifications, permissions, tenancy
from portal.accounts import staff
from portal.actions import Action
from portal.permissions import ROLES_BY_KIND, requires
from portal.tenancy import ADMINISTRATION, org_blueprint, refuse

bp = org_blueprint("staff", __name__, policy=ADMINISTRATION)


def _member_page(org, user, grant_form=None, status=200):
    row = staff.staff_row(org, user)
    grantable = staff.grantable_roles(org, user)
    if grant_form is None:
        grant_form = GrantRoleForm()
    grant_form.role.choices = role_choices(grantable)
    return render_template(
        "staff/member.html",
        org=org,
        row=row,
        grantable=grantable,
        grant_form=grant_form,
        form=grant_form,
        confirm_form=ConfirmForm(),
        role_names=staff.ROLE_NAMES,
        role_descriptions=staff.ROLE_HINTS,
        role_hints=role_hints(grantable),
        is_self=user.id == current_user.id,
        can_deactivate=staff.can_deactivate(current_user, user),
        dev_outbox=notifications.dev_outbox_enabled(),
    ), status


@bp.route("/")
@requires(Action.STAFF_MANAGE)
def index():
    orgs = staff.manageable_orgs(current_user)
    if len(orgs) == 1:
        return redirect(url_for("staff.org_staff", slug=orgs[0].slug))
    return render_template("staff/index.html", orgs=orgs)


@bp.route("/<slug>/")
@requires(Action.STAFF_MANAGE)
def org_staff():
    org = g.org
    return render_template(
        "staff/org_staff.html",
        org=org,
        rows=staff.staff_list(org),
        role_names=staff.ROLE_NAMES,
        lead_admin=permissions.is_lead_admin(current_user),
    )


@bp.route("/<slug>/new", methods=["GET", "POST"])
@requires(Action.STAFF_MANAGE)
def create():
    org = g.org
    form = CreateStaffForm()
    roles = ROLES_BY_KIND[org.kind]
    form.roles.choices = role_choices(roles)
    if form.validate_on_submit():
        try:
            user, _token = staff.create_account(
                org,
                email=form.email.data or "",
                name=form.name.data or "",
                position=form.position.data or "",
                roles=form.roles.data or [],
                actor_id=current_user.id,
            )
        except staff.StaffError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(f"Account created. An invitation has been emailed to {user.email}; it works for 72 hours.", "success")
            return redirect(url_for("staff.member", slug=org.slug, user_id=user.id), code=303)
    return render_template("staff/create.html", org=org, form=form, role_hints=role_hints(roles))


@bp.route("/<slug>/staff/<int:user_id>")
@requires(Action.STAFF_MANAGE)
def member(user_id):
    return _member_page(g.org, tenancy.member(user_id))


@bp.route("/<slug>/staff/<int:user_id>/roles", methods=["POST"])
@requires(Action.STAFF_MANAGE)
def grant(user_id):
    org = g.org
    user = tenancy.member(user_id)
    if user.id == current_user.id:
        refuse(403, object_type="user", object_id=user.id, org_id=org.id)
    form = GrantRoleForm()
    form.role.choices = role_choices(staff.grantable_roles(org, user))
    if form.validate_on_submit():
        try:
            staff.grant_role(org, user, form.role.data, current_user.id)
        except staff.StaffError as error:
            form.role.errors = [*form.role.errors, error.message]
        else:
            flash(f"{staff.ROLE_NAMES[form.role.data]} role given.", "success")
            return redirect(url_for("staff.member", slug=org.slug, user_id=user.id), code=303)
    return _member_page(org, user, grant_form=form)


@bp.route("/<slug>/staff/<int:user_id>/roles/<role>/remove", methods=["POST"])
@requires(Action.STAFF_MANAGE)
def remove(user_id, role):
    org = g.org
    user = tenancy.member(user_id)
    if user.id == current_user.id:
        refuse(403, object_type="user", object_id=user.id, org_id=org.id)
    try:
        staff.remove_role(org, user, role, current_user.id)
    except staff.StaffError as error:
        flash(error.message, "error")
    else:
        flash(f"{staff.ROLE_NAMES.get(role, role)} role removed.", "success")
    return redirect(url_for("staff.member", slug=org.slug, user_id=user.id), code=303)


@bp.route("/<slug>/staff/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(Action.STAFF_MANAGE)
def deactivate(user_id):
    org = g.org
    user = tenancy.member(user_id)
    if user.id == current_user.id:
        refuse(403, object_type="user", object_id=user.id, org_id=org.id)
    form = ConfirmForm()
    errors = []
    if form.validate_on_submit():
        try:
            staff.deactivate(org, user, current_user)
        except staff.StaffError as error:
            errors = [{"text": error.message, "href": "#deactivate"}]
        else:
            flash("Account deactivated. Its sessions have ended and it can no longer sign in.", "success")
            return redirect(url_for("staff.member", slug=org.slug, user_id=user.id), code=303)
    return render_template(
        "staff/deactivate.html",
        org=org,
        user=user,
        confirm_form=form,
        errors=errors,
        allowed=staff.can_deactivate(current_user, user),
    )


@bp.route("/<slug>/staff/<int:user_id>/invitation", methods=["POST"])
@requires(Action.STAFF_MANAGE)
def reinvite(user_id):
    org = g.org
    user = tenancy.member(user_id)
    try:
        staff.resend_invitation(org, user, current_user.id)
    except staff.StaffError as error:
        flash(error.message, "error")
    else:
        flash(f"A new invitation has been emailed to {user.email}. Earlier links no longer work.", "success")
    return redirect(url_for("staff.member", slug=org.slug, user_id=user.id), code=303)
