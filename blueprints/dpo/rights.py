"""Routes of the DPO's access packages, erasure and full read: thin; the services
hold the rules and write the audit."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.dpo.rights_forms import BuildForm, EraseForm, RedactForm, ReleaseForm
from portal import tenancy
from portal.access.participant_access import reads_participant_data
from portal.actions import Action
from portal.extensions import db
from portal.models import Participant, RightsRequest
from portal.permissions import requires
from portal.rights import access_content, access_packages, rights_identity
from portal.rights import erasure as erasure_service
from portal.validation import Problems

bp = Blueprint("rights", __name__)

RECORD_TABS = (
    ("details", "Personal details", ("personal_details", "personal_details_history", "status_history")),
    ("case-notes", "Case notes", ("case_notes",)),
    ("health", "Health information", ("health_information", "assessments", "support_plan", "milestones")),
    ("appointments", "Appointments", ("appointments", "appointment_changes")),
    ("consents", "Consents", ("consents", "consent_history", "consent_evidence", "notice_versions")),
    ("disclosures", "Disclosures", ("disclosures", "emergency_contacts", "gp_letters", "employer_contacts")),
    ("out-of-hours", "Out of hours", ("ooh_checks", "ooh_callbacks", "ooh_call_notes")),
    ("rights", "Rights", ("rights_requests", "objections", "restrictions", "complaints")),
)


def _linked(request_id):
    """The request and its linked participant, or 404 (the DPO reaches a record only
    through a request about it). A restricted record stays open to these workflows (rule 5)."""
    found = tenancy.service_wide_get(RightsRequest, request_id)
    participant = db.session.get(Participant, found.participant_id) if found.participant_id else None
    if participant is None:
        abort(404)
    return found, participant


# ----------------------------------------------------------------- full read


@bp.route("/requests/<int:request_id>/record", defaults={"tab": "details"})
@bp.route("/requests/<int:request_id>/record/<tab>")
@requires(Action.PARTICIPANT_DPO_READ)
@reads_participant_data
def participant_record(request_id, tab):
    found, participant = _linked(request_id)
    chosen = next((t for t in RECORD_TABS if t[0] == tab), None)
    if chosen is None:
        abort(404)
    sections = {s["key"]: s for s in access_content.collect(participant)}
    access_content.audit_full_read(found, participant, tab, current_user.id)
    return render_template(
        "access/record.html",
        found=found,
        participant=participant,
        tabs=RECORD_TABS,
        tab=tab,
        sections=[sections[key] for key in chosen[2]],
        title=f"Record of participant {participant.atw_reference}",
    )


# ----------------------------------------------------------------- access


@bp.route("/requests/<int:request_id>/access", methods=["GET", "POST"])
@requires(Action.RIGHTS_ACCESS)
@reads_participant_data
def access_package(request_id):
    found, participant = _linked(request_id)
    form = BuildForm()
    if form.validate_on_submit():
        package = access_packages.start_package(found, current_user.id)
        return redirect(url_for("jobs.show", job_id=package.job_id), 303)
    return render_template(
        "access/packages.html",
        found=found,
        participant=participant,
        form=form,
        packages=access_packages.packages_of(found),
        title=f"Access package: {found.reference}",
    )


def _package(request_id, package_id):
    found, participant = _linked(request_id)
    return found, participant, access_packages.get_package(found, package_id)


def _review_page(found, participant, package, redact_form=None, status=200, refusal=None):
    passages = access_packages.review(package, current_user.id) if package.status != "building" else []
    return render_template(
        "access/review.html",
        found=found,
        participant=participant,
        package=package,
        passages=passages,
        form=redact_form,
        release_form=ReleaseForm(),
        redact_form=RedactForm(formdata=None),
        errors=[{"text": refusal, "href": "#identity-gate"}] if refusal else None,
        title=f"Review access package {package.id}",
    ), status


@bp.route("/requests/<int:request_id>/access/<int:package_id>")
@requires(Action.RIGHTS_ACCESS)
@reads_participant_data
def access_review(request_id, package_id):
    return _review_page(*_package(request_id, package_id))


@bp.route("/requests/<int:request_id>/access/<int:package_id>/redact", methods=["POST"])
@requires(Action.RIGHTS_ACCESS)
@reads_participant_data
def access_redact(request_id, package_id):
    found, participant, package = _package(request_id, package_id)
    form = RedactForm()
    if form.validate_on_submit():
        try:
            access_packages.redact(package, form.passage_key.data or "", form.reason.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
            return _review_page(found, participant, package, form, 400)
        except access_packages.NotReady:
            abort(409)
        flash("Passage redacted.")
        return redirect(url_for(".access_review", request_id=found.id, package_id=package.id), 303)
    return _review_page(found, participant, package, form, 400)


@bp.route("/requests/<int:request_id>/access/<int:package_id>/release", methods=["POST"])
@requires(Action.RIGHTS_ACCESS)
@reads_participant_data
def access_release(request_id, package_id):
    found, participant, package = _package(request_id, package_id)
    if ReleaseForm().validate_on_submit():
        try:
            access_packages.release(package, current_user.id)
        except access_packages.NotReady:
            abort(409)
        except rights_identity.IdentityNotVerified as refused:
            return _review_page(found, participant, package, status=409, refusal=refused.message)
        flash("The access package is released and recorded in the disclosures register.")
    return redirect(url_for(".access_review", request_id=found.id, package_id=package.id), 303)


@bp.route("/requests/<int:request_id>/access/<int:package_id>/download")
@requires(Action.RIGHTS_ACCESS)
@reads_participant_data
def access_download(request_id, package_id):
    found, participant, package = _package(request_id, package_id)
    try:
        return access_packages.released_file(package, current_user.id)
    except access_packages.NotReady:
        abort(404)


# ----------------------------------------------------------------- erasure


@bp.route("/requests/<int:request_id>/erasure", methods=["GET", "POST"])
@requires(Action.RIGHTS_ERASE)
@reads_participant_data
def erasure(request_id):
    found, participant = _linked(request_id)
    done = erasure_service.tombstones_of(participant.id)
    plan = None if done else erasure_service.erasure_plan(participant)
    form = EraseForm()
    if not done and form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = ["Confirm that you have checked the plan"]
        else:
            try:
                erasure_service.erase_for_request(found, participant, current_user.id)
            except erasure_service.ErasureRefused as refused:
                form.confirm.errors = [refused.reason]
            else:
                flash("The participant’s data is erased. A tombstone records what was erased.")
                return redirect(url_for(".erasure", request_id=found.id), 303)
    erasure_service.audit_plan_view(found, participant, current_user.id)
    return render_template(
        "access/erasure.html",
        found=found,
        participant=participant,
        plan=plan,
        tombstones=done,
        form=form,
        title=f"Erasure: {found.reference}",
    ), 400 if form.errors else 200
