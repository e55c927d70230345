"""API clients (lead admin): the secret is shown once, on the page that made it."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.api_clients.forms import RegisterForm, RevokeForm, RotateForm
from blueprints.common import SelectChoice, show_problems
from portal.actions import Action
from portal.api import api_clients
from portal.permissions import requires
from portal.validation import Problems

bp = Blueprint("api_clients", __name__, url_prefix="/admin/api-clients")


def _client_or_404(client_pk):
    client = api_clients.get_client(client_pk)
    if client is None:
        abort(404)
    return client


@bp.route("/")
@requires(Action.API_CLIENT_MANAGE)
def index():
    return render_template("api_clients/index.html", clients=api_clients.clients())


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.API_CLIENT_MANAGE)
def register():
    form = RegisterForm()
    form.organisation.choices = [SelectChoice(str(o.id), o.name) for o in api_clients.organisations()]
    if form.validate_on_submit():
        try:
            issued = api_clients.register(
                form.organisation.data, form.name.data or "", form.scopes.data, current_user.id
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            return render_template("api_clients/secret.html", issued=issued, rotated=False)
    return render_template("api_clients/new.html", form=form)


@bp.route("/<int:client_pk>/rotate", methods=["GET", "POST"])
@requires(Action.API_CLIENT_MANAGE)
def rotate(client_pk):
    client = _client_or_404(client_pk)
    form = RotateForm()
    if form.validate_on_submit():
        try:
            issued = api_clients.rotate(client, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            return render_template("api_clients/secret.html", issued=issued, rotated=True)
    return render_template("api_clients/rotate.html", form=form, client=_client_or_404(client_pk))


@bp.route("/<int:client_pk>/revoke", methods=["GET", "POST"])
@requires(Action.API_CLIENT_MANAGE)
def revoke(client_pk):
    client = _client_or_404(client_pk)
    form = RevokeForm()
    if form.validate_on_submit():
        api_clients.revoke(client, current_user.id)
        flash(f"{client.name} is revoked: its tokens no longer work", "success")
        return redirect(url_for(".index"), 303)
    return render_template("api_clients/revoke.html", form=form, client=client)
