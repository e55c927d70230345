"""The DPO's pages of this area, under /dpo/: privacy notice versions, the review
list of emergency overrides, and the decisions on requests from authorities."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from blueprints.common import options, show_problems
from blueprints.consent.forms import (
    AuthorityDisclosureForm,
    DecideForm,
    NoticeForm,
    PublishForm,
    ReviewForm,
    fill_now,
    typed_moment,
)
from portal import tenancy
from portal.access.participant_access import audit_list, audit_review_view, reads_participant_data
from portal.actions import Action
from portal.consent import authority_requests, disclosure_reviews, emergency, privacy_notices
from portal.consent.privacy_notices import NoticePublished
from portal.extensions import db
from portal.models import AuthorityRequest, EmergencyContact, Organisation, Participant, PrivacyNotice
from portal.models.disclosure import LEGAL_BASES
from portal.permissions import requires
from portal.validation import Problems

bp = Blueprint("privacy", __name__)


def _get(model, object_id):
    return tenancy.service_wide_get(model, object_id)


# ----------------------------------------------------------------- notices


@bp.route("/notices")
@requires(Action.PRIVACY_NOTICE_MANAGE)
def notices():
    return render_template(
        "consent/dpo/notices.html",
        notices=privacy_notices.all_notices(),
        current=privacy_notices.current_notice(),
        title="Privacy notice versions",
    )


@bp.route("/notices/new", methods=["GET", "POST"])
@requires(Action.PRIVACY_NOTICE_MANAGE)
def new_notice():
    form = NoticeForm()
    latest = privacy_notices.latest_published()
    if not form.is_submitted() and latest is not None:
        form.text.data = latest.text
    if form.validate_on_submit():
        try:
            notice = privacy_notices.create_draft(
                form.version.data,
                form.published_on.data,
                form.text.data,
                form.change_note.data,
                form.reconsent_required.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Draft of version {notice.version} saved: check it, then publish it", "success")
            return redirect(url_for(".notice", notice_id=notice.id))
    return render_template("consent/dpo/notice_form.html", form=form, title="New version of the privacy notice")


@bp.route("/notices/<int:notice_id>")
@requires(Action.PRIVACY_NOTICE_MANAGE)
def notice(notice_id):
    found = _get(PrivacyNotice, notice_id)
    return render_template(
        "consent/dpo/notice.html",
        notice=found,
        publish_form=PublishForm(),
        current=privacy_notices.current_notice(),
        title=f"Privacy notice version {found.version}",
    )


@bp.route("/notices/<int:notice_id>/edit", methods=["GET", "POST"])
@requires(Action.PRIVACY_NOTICE_MANAGE)
def edit_notice(notice_id):
    found = _get(PrivacyNotice, notice_id)
    if found.published:
        abort(404)  # published versions are read-only: there is nothing to edit
    form = NoticeForm(obj=found if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            privacy_notices.update_draft(
                found,
                form.version.data,
                form.published_on.data,
                form.text.data,
                form.change_note.data,
                form.reconsent_required.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Draft saved", "success")
            return redirect(url_for(".notice", notice_id=found.id))
    return render_template(
        "consent/dpo/notice_form.html", form=form, notice=found, title=f"Change draft version {found.version}"
    )


@bp.route("/notices/<int:notice_id>/publish", methods=["POST"])
@requires(Action.PRIVACY_NOTICE_MANAGE)
def publish_notice(notice_id):
    found = _get(PrivacyNotice, notice_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        privacy_notices.publish(found, current_user.id)
    except NoticePublished:
        flash(f"Version {found.version} was already published", "info")
    except Problems as problems:
        return render_template(
            "consent/dpo/notice.html",
            notice=found,
            publish_form=PublishForm(),
            current=privacy_notices.current_notice(),
            title=f"Privacy notice version {found.version}",
            errors=[{"text": p.message, "href": "#publish"} for p in problems.problems],
        )
    else:
        flash(f"Version {found.version} published: it can no longer be changed", "success")
    return redirect(url_for(".notice", notice_id=found.id))


# ----------------------------------------------------------------- overrides


@bp.route("/overrides")
@requires(Action.OVERRIDE_REVIEW)
@reads_participant_data
def overrides():
    show_reviewed = request.args.get("show") == "reviewed"
    waiting = emergency.awaiting_review()
    done = emergency.reviewed() if show_reviewed else []
    # Disclosures a one-off check flagged as possible breaches wait on the same list.
    flagged = disclosure_reviews.awaiting_review()
    flagged_done = disclosure_reviews.reviewed() if show_reviewed else []
    shown = [c.participant_id for c in waiting + done + flagged + flagged_done]
    audit_list("dpo.overrides", shown)
    return render_template(
        "consent/dpo/overrides.html",
        waiting=waiting,
        done=done,
        flagged=flagged,
        flagged_done=flagged_done,
        show_reviewed=show_reviewed,
        participants=_participants(shown),
        title="Emergency overrides to review",
    )


def _participants(ids) -> dict:
    if not ids:
        return {}

    rows = db.session.scalars(select(Participant).where(Participant.id.in_(set(ids)))).all()
    return {p.id: p for p in rows}


def review_page(entry, form, review, reviewed_text, viewed: dict, template, **context):
    """A review-list item's page (an emergency override, a flagged disclosure): the
    DPO's review form, or the review recorded; opening it is a view of the participant."""
    participant = db.session.get(Participant, entry.participant_id)
    assert participant is not None  # the entry's participant (its participant_id is a foreign key)
    if form.validate_on_submit() and entry.reviewed_at is None:
        try:
            review(entry, form.outcome.data, form.notes.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Review recorded: the {reviewed_text} has left the review list", "success")
            return redirect(url_for(".overrides"))
    audit_review_view(participant, viewed)
    return render_template(
        template, participant=participant, org=db.session.get(Organisation, participant.org_id), form=form, **context
    )


@bp.route("/overrides/<int:override_id>", methods=["GET", "POST"])
@requires(Action.OVERRIDE_REVIEW)
@reads_participant_data
def override(override_id):
    contact = _get(EmergencyContact, override_id)
    return review_page(
        contact,
        ReviewForm(),
        emergency.review_override,
        "override",
        {"view": "dpo.override", "override_id": contact.id},
        "consent/dpo/override.html",
        contact=contact,
        title="Emergency override",
    )


# ----------------------------------------------------------------- authority requests


@bp.route("/authority-requests")
@requires(Action.AUTHORITY_REQUEST_DECIDE)
def authority_requests_list():
    return render_template(
        "consent/dpo/authority_requests.html",
        requests=authority_requests.all_requests(),
        title="Requests from authorities",
    )


def _request_page(found: AuthorityRequest, decide_form=None, disclose_form=None, status=200):
    participant = db.session.get(Participant, found.participant_id) if found.participant_id else None
    if participant is not None:
        audit_review_view(participant, {"view": "dpo.authority_request", "request_id": found.id})
    if decide_form is None and found.status == "awaiting_decision":
        decide_form = DecideForm()
        decide_form.atw_reference.data = _reference_in(found.subject_details)
    if disclose_form is None and found.status == "approved":
        disclose_form = _disclose_form()
        fill_now(disclose_form, "disclosed_on", "disclosed_time")
    with_errors = next((f for f in (decide_form, disclose_form) if f is not None and f.errors), None)
    return render_template(
        "consent/dpo/authority_request.html",
        found=found,
        participant=participant,
        org=db.session.get(Organisation, participant.org_id) if participant else None,
        decide_form=decide_form,
        disclose_form=disclose_form,
        form=with_errors,
        legal_bases=LEGAL_BASES,
        title="Request from an authority",
    ), status


def _reference_in(text: str) -> str:
    """An AtW reference the logger typed, matched exactly (a suggestion only)."""
    for word in (text or "").replace(",", " ").split():
        if authority_requests.find_participant(word) is not None:
            return word.upper()
    return ""


def _disclose_form() -> AuthorityDisclosureForm:
    form = AuthorityDisclosureForm()
    form.data_categories.choices = options((c, c) for c in authority_requests.DATA_CATEGORIES)
    return form


@bp.route("/authority-requests/<int:request_id>")
@requires(Action.AUTHORITY_REQUEST_DECIDE)
@reads_participant_data
def authority_request(request_id):
    return _request_page(_get(AuthorityRequest, request_id))


@bp.route("/authority-requests/<int:request_id>/decide", methods=["POST"])
@requires(Action.AUTHORITY_REQUEST_DECIDE)
@reads_participant_data
def decide_authority_request(request_id):
    found = _get(AuthorityRequest, request_id)
    form = DecideForm()
    if found.status != "awaiting_decision":
        flash("This request has already been decided", "info")
        return redirect(url_for(".authority_request", request_id=found.id))
    if form.validate_on_submit():
        try:
            authority_requests.decide(
                found,
                form.decision.data,
                form.atw_reference.data,
                form.legal_basis.data,
                form.reasons.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Decision recorded", "success")
            return redirect(url_for(".authority_request", request_id=found.id))
    return _request_page(found, decide_form=form)


@bp.route("/authority-requests/<int:request_id>/disclose", methods=["POST"])
@requires(Action.AUTHORITY_REQUEST_DECIDE)
@reads_participant_data
def disclose_authority_request(request_id):
    found = _get(AuthorityRequest, request_id)
    if found.status != "approved":
        flash("Only an approved request can be answered", "info")
        return redirect(url_for(".authority_request", request_id=found.id))
    form = _disclose_form()
    if form.validate_on_submit():
        try:
            authority_requests.record_disclosure(
                found,
                form.data_categories.data,
                form.summary.data,
                form.method.data,
                typed_moment(form, "disclosed_on", "disclosed_time"),
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Disclosure recorded in the participant’s register", "success")
            return redirect(url_for(".authority_request", request_id=found.id))
    return _request_page(found, disclose_form=form)
