"""Sign-in (password, then code) and sign-out."""

from typing import cast
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from blueprints.auth.forms import CodeForm, LoginForm, SignOutForm
from portal.accounts import auth, lockout, mfa_reset
from portal.extensions import db
from portal.models import User
from portal.permissions import public
from portal.sessions import ServerSession

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = auth.check_password(form.email.data or "", form.password.data or "", address=request.remote_addr)
        except lockout.LockedOut as locked:
            return render_template("auth/login.html", form=form, error=locked.message)
        if user is not None:
            session["mfa_user_id"] = user.id
            session["next"] = safe_next(request.args.get("next"))
            return redirect(url_for("auth.code"))
        error = auth.FAILURE_MESSAGE
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/login/code", methods=["GET", "POST"])
@public
def code():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user_id = session.get("mfa_user_id")
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        return redirect(url_for("auth.login"))
    if mfa_reset.needs_enrolment(user):  # authenticator reset by two admins: enrol a new one
        return redirect(url_for("account.enrol"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        try:
            accepted = auth.check_code(user, form.code.data or "", address=request.remote_addr)
        except lockout.LockedOut as locked:
            return render_template("auth/code.html", form=form, error=locked.message)
        if accepted:
            target = session.get("next") or url_for("home.index")
            session.clear()
            cast(ServerSession, session).regenerate()  # a new session id at sign-in
            login_user(user)
            return redirect(target)
        error = auth.FAILURE_MESSAGE
    return render_template("auth/code.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@public  # signing out must always work, even half signed in
def logout():
    form = SignOutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        auth.record_sign_out(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login", signed_out=1))
