"""The out-of-hours line under ``/ooh/``: find the caller, the verbal-consent check,
the limited view and what a call may change, callbacks, and the worker's grants.

Participant pages live under ``/ooh/<org>/participants/<id>/...``, the organisation
in the address like casework's, resolved into ``g.org`` by ``portal.tenancy`` (its
``OUT_OF_HOURS`` policy), so every lookup is scoped to it. Before any of them the
gate answers 404 to whoever has no call access to that participant (a missing and
another organisation's participant look the same), and refuses out-of-date
data protection training. Each page then asks what it needs: the check pages send
the assigned VRC and team managers to the record (they need no check); the limited
view and its actions send anyone without a live grant to the check.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.ooh.forms import CallbackForm, ConsentForm, IdentityForm, SearchForm
from portal.access import ooh_access, participant_access
from portal.access.ooh_access import CheckRefused
from portal.access.participant_access import FULL, LIMITED, NONE, ParticipantRestricted
from portal.actions import Action
from portal.models import Participant
from portal.ooh import callbacks, ooh_calls, ooh_search
from portal.permissions import requires
from portal.templating import format_datetime
from portal.tenancy import OUT_OF_HOURS, org_blueprint, refuse, scoped_get
from portal.validation import Problems

bp = org_blueprint("ooh", __name__, policy=OUT_OF_HOURS)


@bp.record_once
def _check_shift_end(state):
    # A malformed shift end refuses to start rather than grant the wrong length.
    ooh_access.parse_shift_end(state.app.config.get("OOH_SHIFT_END", "08:00"))


@bp.app_template_global("participant_org")
def _participant_org(participant):
    return ooh_access.organisation_of(participant)


@bp.before_request
def _participant_gate():
    args = request.view_args or {}
    if any(key.endswith("_id") and ooh_access.valid_id(value) is None for key, value in args.items()):
        # A number no row can have (ids are 32-bit) is a missing row.
        refuse(404)
    if "participant_id" not in args or not current_user.is_authenticated:
        return
    participant = scoped_get(Participant, args["participant_id"])
    level = ooh_access.call_level(current_user, participant)
    if level == NONE:
        refuse(404, object_type="participant", object_id=participant.id)
    participant_access.require_current_training()
    g.call_participant = participant
    g.participant_access = level
    return


def here_url(endpoint: str, **values) -> str:
    participant = g.call_participant
    return url_for(endpoint, org=g.org.slug, participant_id=participant.id, **values)


def _to_record():
    """The assigned VRC and team managers need no check: their record."""
    return redirect(ooh_access.record_url(g.call_participant), 303)


def _checking():
    """(participant, None) for the check pages, or (None, redirect) for the full record."""
    if g.participant_access == FULL:
        return None, _to_record()
    return g.call_participant, None


def granted_participant():
    """(participant, grant) for the limited view, or (None, redirect): to the record
    for those who need no check, to the check for those without a live grant."""
    if g.participant_access == FULL:
        return None, _to_record()
    if g.participant_access != LIMITED:
        return None, redirect(here_url(".check"), 303)
    participant = g.call_participant
    return participant, participant_access.live_grant(current_user.id, participant)


def audit_restricted(error: ParticipantRestricted) -> None:
    """A change the restriction refused (DESIGN.md rule 5), audited with the action
    under the participant's organisation."""
    participant_access.audit_restricted_refusal(error, org_id=error.participant.org_id)


def restricted_page(error: ParticipantRestricted):
    audit_restricted(error)
    participant = error.participant
    return render_template(
        "ooh/restricted.html", title="This record is restricted", participant=participant, message=error.message
    ), 403


# ----------------------------------------------------------------- finding the caller


@bp.route("/", methods=["GET", "POST"])
@requires(Action.OOH_SEARCH)
def search():
    participant_access.require_current_training()
    form = SearchForm()
    result = None
    if form.validate_on_submit():
        try:
            result = ooh_search.search(current_user.id, form.surname.data, form.date_of_birth.data, form.postcode.data)
        except Problems as problems:
            show_problems(form, problems)
        else:
            # The page shows the listed fields only: not even the terms typed.
            form = SearchForm(formdata=None)
    live, _ = ooh_access.grants_of(current_user.id)
    return render_template("ooh/search.html", title="Find the caller", form=form, result=result, live_count=len(live))


# ----------------------------------------------------------------- the verbal-consent check


@bp.route("/<org>/participants/<int:participant_id>/check", methods=["GET", "POST"])
@requires(Action.OOH_CALL)
def check(participant_id):
    participant, elsewhere = _checking()
    if elsewhere:
        return elsewhere
    form = IdentityForm()
    locked = ooh_access.locked(current_user.id, participant)
    if form.validate_on_submit():
        try:
            made = ooh_access.check_identity(
                participant,
                current_user,
                form.caller.data,
                form.full_name.data or "",
                form.date_of_birth.data,
                form.postcode.data or "",
            )
        except Problems as problems:
            show_problems(form, problems)
        except CheckRefused:
            locked = True
        else:
            return redirect(here_url(".check_result", check_id=made.id), 303)
    participant_access.audit_view(participant, "ooh.check")
    return render_template(
        "ooh/check.html",
        title="Verbal-consent check",
        form=form,
        participant=participant,
        organisation=ooh_access.organisation_of(participant),
        locked=locked,
        grant=participant_access.live_grant(current_user.id, participant),
        may_callback=callbacks.may_leave_callback(participant, current_user.id),
    )


@bp.route("/<org>/participants/<int:participant_id>/check/<int:check_id>", methods=["GET", "POST"])
@requires(Action.OOH_CALL)
def check_result(participant_id, check_id):
    participant, elsewhere = _checking()
    if elsewhere:
        return elsewhere
    made = ooh_access.worker_check(participant, current_user.id, check_id)
    if made is None:
        refuse(404, object_type="ooh_check", object_id=check_id)
    form = ConsentForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            grant = ooh_access.record_consent(participant, made, form.consent.data, form.note.data or "", current_user)
        except Problems as problems:
            show_problems(form, problems)
        except CheckRefused:
            return redirect(here_url(".check_result", check_id=made.id), 303)
        else:
            if grant is not None:
                flash(
                    f"The participant agreed: you can see their record for this call until {_time(grant.expires_at)}",
                    "success",
                )
                return redirect(here_url(".participant"), 303)
            return redirect(here_url(".check_result", check_id=made.id), 303)
    participant_access.audit_view(participant, "ooh.check_result")
    return render_template(
        "ooh/check_result.html",
        title="Verbal-consent check",
        form=form,
        check=made,
        participant=participant,
        organisation=ooh_access.organisation_of(participant),
        answer_open=ooh_access.answer_open(made),
        attempts_left=ooh_access.MAX_FAILED_CHECKS - ooh_access.failed_checks(current_user.id, participant),
        grant=participant_access.live_grant(current_user.id, participant),
    )


def _time(moment) -> str:

    return format_datetime(moment)


# ----------------------------------------------------------------- callbacks


@bp.route("/<org>/participants/<int:participant_id>/callback", methods=["GET", "POST"])
@requires(Action.OOH_CALL)
def callback(participant_id):
    participant, elsewhere = _checking()
    if elsewhere:
        return elsewhere
    if not callbacks.may_leave_callback(participant, current_user.id):
        return redirect(here_url(".check"), 303)
    form = CallbackForm()
    if form.validate_on_submit():
        try:
            callbacks.leave_callback(
                participant, form.reason.data or "", form.best_time.data or "", form.phone.data or "", current_user
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("The callback note has been sent to the participant’s VRC", "success")
            if g.participant_access == LIMITED:
                return redirect(here_url(".participant"))
            return redirect(url_for(".search"))
    participant_access.audit_view(participant, "ooh.callback")
    return render_template(
        "ooh/callback.html",
        title="Leave a callback note",
        form=form,
        participant=participant,
        organisation=ooh_access.organisation_of(participant),
        granted=g.participant_access == LIMITED,
    )


# ----------------------------------------------------------------- the limited view


@bp.route("/<org>/participants/<int:participant_id>")
@requires(Action.OOH_CALL)
def participant(participant_id):
    participant, grant = granted_participant()
    if participant is None:
        return grant
    context = ooh_calls.limited_view(participant, grant)
    if ooh_calls.may_override_consent(current_user, participant):
        context["emergency_url"] = here_url(".emergency")
    participant_access.audit_view(participant, "ooh.limited")
    return render_template("ooh/participant.html", title=participant.name, participant=participant, **context)


@bp.route("/access")
@requires(Action.OOH_ACCESS)
def grants():
    participant_access.require_current_training()
    live, ended = ooh_access.grants_of(current_user.id)
    participants = ooh_access.participants_of(live + ended)
    if participants:
        participant_access.audit_list("ooh.access", sorted(participants))
    return render_template(
        "ooh/grants.html",
        title="Your access to participants’ records",
        live=live,
        ended=ended,
        participants=participants,
        organisations=ooh_access.organisations_by_id(),
    )


@bp.route("/access/<int:grant_id>/end", methods=["POST"])
@requires(Action.OOH_ACCESS)
def end_grant(grant_id):
    grant = ooh_access.own_grant(current_user.id, grant_id)
    if grant is None:
        refuse(404, object_type="ooh_grant", object_id=grant_id)
    if ooh_access.end_grant(grant, current_user.id):
        flash("Access ended", "success")
    else:
        flash("That access had already ended", "success")
    return redirect(url_for(".grants"))
