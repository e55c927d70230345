"""The invitation link: a new account sets its password, then enrols its authenticator.

Public pages: the token in the URL is the credential. Nothing is saved until the
first code from the new authenticator is confirmed; then the link is used up and
the person signs in as everyone does.
"""

from flask import Blueprint, flash, g, redirect, render_template, session, url_for

from blueprints.staff.forms import EnrolCodeForm, SetPasswordForm
from portal.accounts import invitations, passwords, totp
from portal.extensions import db
from portal.models import User
from portal.permissions import public

bp = Blueprint("invitation", __name__, url_prefix="/account/invitation")

SESSION_KEY = "invitation"


def _invalid():
    return render_template("staff/invitation_invalid.html"), 404


@bp.route("/<token>", methods=["GET", "POST"])
@public
def password(token):
    g.signed_in_page = True  # no-store: the page belongs to one person
    invitation = invitations.usable_invitation(token)
    if invitation is None:
        return _invalid()
    user = db.session.get(User, invitation.user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = invitations.password_problem_for(invitation, form.password.data or "", form.confirm.data or "")
        if problem:
            field = form.confirm if problem == "The passwords do not match" else form.password
            field.errors = [*field.errors, problem]
        else:
            session[SESSION_KEY] = {
                "id": invitation.id,
                "password_hash": passwords.hash_password(form.password.data or ""),
                "totp_secret": invitations.new_totp_secret(),
            }
            return redirect(url_for("invitation.authenticator", token=token), code=303)
    return render_template("staff/invitation_password.html", form=form, user=user)


@bp.route("/<token>/authenticator", methods=["GET", "POST"])
@public
def authenticator(token):
    g.signed_in_page = True
    invitation = invitations.usable_invitation(token)
    if invitation is None:
        return _invalid()
    pending = session.get(SESSION_KEY)
    if not pending or pending.get("id") != invitation.id:
        return redirect(url_for("invitation.password", token=token), code=303)
    user = db.session.get(User, invitation.user_id)
    form = EnrolCodeForm()
    if form.validate_on_submit():
        if invitations.accept_invitation(
            invitation, pending["password_hash"], pending["totp_secret"], form.code.data or ""
        ):
            session.pop(SESSION_KEY, None)
            flash(
                "Your account is ready. Sign in with your email address, your new password and a "
                "security code from your authenticator app.",
                "success",
            )
            return redirect(url_for("auth.login"), code=303)
        if invitations.usable_invitation(token) is None:
            session.pop(SESSION_KEY, None)
            return _invalid()
        form.code.errors = [
            *form.code.errors,
            "The security code is not right. Check that the app shows this account and enter the code it shows now",
        ]
    secret = pending["totp_secret"]
    assert user is not None  # the invitation's own account (its user_id is a foreign key)
    return render_template(
        "staff/invitation_authenticator.html",
        form=form,
        user=user,
        secret=secret,
        qr_code=invitations.qr_code_data_uri(totp.provisioning_uri(secret, user.email)),
    )
