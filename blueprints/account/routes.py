"""A staff member's own account: change the password, recover a forgotten one, and
set up a new authenticator at sign-in after an MFA reset."""

from typing import cast

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from blueprints.account.forms import ChangePasswordForm, EnrolForm, ForgotPasswordForm, ResetPasswordForm
from portal.accounts import account, invitations, lockout, mfa_reset, totp
from portal.actions import Action
from portal.extensions import db
from portal.models import User
from portal.permissions import public, requires
from portal.sessions import ServerSession

bp = Blueprint("account", __name__)

ENROL_SECRET = "enrol_totp_secret"


def _show_problem(form, problem) -> None:
    field = getattr(form, problem.field)
    field.errors = [*field.errors, problem.message]


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Action.ACCOUNT_PASSWORD)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account.change_password(
                current_user,
                form.current_password.data or "",
                form.new_password.data or "",
                form.confirm.data or "",
                keep_token=cast(ServerSession, session).token,
                address=request.remote_addr,
            )
        except account.AccountProblem as problem:
            _show_problem(form, problem)
        else:
            flash(
                "Your password has been changed. Anywhere else you were signed in, you have been signed out.", "success"
            )
            return redirect(url_for("home.index"), code=303)
    return render_template("account/change_password.html", form=form)


@bp.route("/account/forgot-password", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account.request_password_reset(form.email.data or "")
        return redirect(url_for("account.forgot_password_sent"), code=303)
    return render_template("account/forgot_password.html", form=form)


@bp.route("/account/forgot-password/sent")
@public
def forgot_password_sent():
    # The same page whether or not the address has an account.
    return render_template("account/forgot_password_sent.html")


@bp.route("/account/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    g.signed_in_page = True  # no-store: the page belongs to one person
    if account.usable_reset(token) is None:
        return render_template("account/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            done = account.reset_password(token, form.new_password.data or "", form.confirm.data or "")
        except account.AccountProblem as problem:
            _show_problem(form, problem)
        except LookupError:
            return render_template("account/reset_invalid.html"), 404
        else:
            return render_template(
                "account/reset_done.html",
                locked_until=lockout.try_again_after(done.locked_until) if done.locked_until else None,
            )
    return render_template("account/reset_password.html", form=form)


@bp.route("/login/authenticator", methods=["GET", "POST"])
@public
def enrol():
    """After the password step, for an account whose authenticator was reset."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user_id = session.get("mfa_user_id")
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not mfa_reset.needs_enrolment(user):
        return redirect(url_for("auth.login"))
    g.signed_in_page = True
    secret = session.get(ENROL_SECRET)
    if not secret:
        secret = session[ENROL_SECRET] = totp.new_secret()
    form = EnrolForm()
    error = None
    if form.validate_on_submit():
        try:
            enrolled = mfa_reset.enrol(user, secret, form.code.data or "", address=request.remote_addr)
        except lockout.LockedOut as locked:
            enrolled, error = False, locked.message
        if enrolled:
            target = session.get("next") or url_for("home.index")
            session.clear()
            cast(ServerSession, session).regenerate()  # a new session id at sign-in
            login_user(user)
            flash("Your authenticator app is set up. Use it for a security code each time you sign in.", "success")
            return redirect(target, code=303)
        if error is None:
            error = (
                "The security code is not right. Check that the app shows this account and enter the code it shows now"
            )
        form.code.errors = [*form.code.errors, error]
    return render_template(
        "account/enrol.html",
        form=form,
        secret=secret,
        qr_code=invitations.qr_code_data_uri(totp.provisioning_uri(secret, user.email)),
    )
