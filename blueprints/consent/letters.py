"""GP letters: write from the template, preview, issue (PDF), record sending, cancel."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from blueprints.common import options, show_problems
from blueprints.consent.common import bp
from blueprints.consent.forms import CancelLetterForm, IssueForm, LetterForm, SentForm, fill_now, typed_moment
from blueprints.participants.common import render_participant
from portal.access.participant_access import FULL, get_child, get_participant
from portal.actions import Action
from portal.casework import gp_letters
from portal.consent import consents
from portal.models import GpLetter
from portal.permissions import requires
from portal.validation import Problems

LETTER_SHOWS = ("health",)


def _letter_form(participant, obj=None) -> LetterForm:
    form = LetterForm()
    purpose = consents.purpose_by_code(gp_letters.PURPOSE)
    form.data_categories.choices = options((c, c) for c in (purpose.data_categories if purpose else []))
    if not form.is_submitted():
        values = (
            gp_letters.defaults(participant)
            if obj is None
            else {
                "addressee": obj.addressee,
                "practice_name": obj.practice_name,
                "practice_address": obj.practice_address,
                "body": obj.body,
                "data_categories": obj.data_categories,
            }
        )
        for name, value in values.items():
            form[name].data = value
    return form


def _letter_values(form) -> tuple[str | None, str | None, str | None, str | None, list[str] | None]:
    return (
        form.addressee.data,
        form.practice_name.data,
        form.practice_address.data,
        form.body.data,
        form.data_categories.data,
    )


@bp.route("/<int:participant_id>/gp-letters/new", methods=["GET", "POST"])
@requires(Action.GP_LETTER_WRITE)
def new_letter(participant_id):
    participant = get_participant(participant_id, FULL)
    gp_letters.ensure_may_write(participant)
    form = _letter_form(participant)
    if form.validate_on_submit():
        try:
            letter = gp_letters.draft_letter(participant, *_letter_values(form), current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            return redirect(url_for(".letter", participant_id=participant.id, letter_id=letter.id))
    return render_participant(
        "consent/letter_form.html",
        participant,
        "gp_letters.new",
        shows=LETTER_SHOWS,
        form=form,
        title="Write to the GP",
    )


@bp.route("/<int:participant_id>/gp-letters/<int:letter_id>")
@requires(Action.GP_LETTER_WRITE)
def letter(participant_id, letter_id):
    """The letter as it will be (or was) sent: the preview, and what can be done next."""
    participant = get_participant(participant_id, FULL)
    found = get_child(GpLetter, letter_id, participant)
    return render_participant(
        "consent/letter.html",
        participant,
        "gp_letters.letter",
        shows=LETTER_SHOWS,
        letter=found,
        letter_html=gp_letters.letter_html(participant, found, current_user, document=False),
        issue_form=IssueForm(),
        title="Letter to the GP",
        gp_consent=consents.live_consent(participant, gp_letters.PURPOSE),
    )


@bp.route("/<int:participant_id>/gp-letters/<int:letter_id>/edit", methods=["GET", "POST"])
@requires(Action.GP_LETTER_WRITE)
def edit_letter(participant_id, letter_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(GpLetter, letter_id, participant)
    if found.status != "draft":
        abort(404)
    gp_letters.ensure_may_write(participant)
    form = _letter_form(participant, found)
    if form.validate_on_submit():
        try:
            gp_letters.update_letter(participant, found, *_letter_values(form), current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            return redirect(url_for(".letter", participant_id=participant.id, letter_id=found.id))
    return render_participant(
        "consent/letter_form.html",
        participant,
        "gp_letters.edit",
        shows=LETTER_SHOWS,
        form=form,
        letter=found,
        title="Change the letter",
    )


@bp.route("/<int:participant_id>/gp-letters/<int:letter_id>/issue", methods=["POST"])
@requires(Action.GP_LETTER_WRITE)
def issue_letter(participant_id, letter_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(GpLetter, letter_id, participant)
    if not IssueForm().validate_on_submit():
        abort(400)
    if found.status != "draft":
        flash("This letter has already been issued", "info")
    else:
        gp_letters.issue_letter(participant, found, current_user.id)
        flash("Letter issued: download the PDF, send it, then record how and when it was sent", "success")
    return redirect(url_for(".letter", participant_id=participant.id, letter_id=found.id))


@bp.route("/<int:participant_id>/gp-letters/<int:letter_id>/pdf")
@requires(Action.GP_LETTER_WRITE)
def letter_pdf(participant_id, letter_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(GpLetter, letter_id, participant)
    if not found.pdf_key:
        abort(404)
    return gp_letters.pdf_download(found)


@bp.route("/<int:participant_id>/gp-letters/<int:letter_id>/sent", methods=["GET", "POST"])
@requires(Action.GP_LETTER_WRITE)
def letter_sent(participant_id, letter_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(GpLetter, letter_id, participant)
    if found.status != "issued":
        abort(404)
    form = SentForm()
    if not form.is_submitted():
        fill_now(form, "sent_on", "sent_time")
    if form.validate_on_submit():
        try:
            gp_letters.record_sent(
                participant, found, form.method.data, typed_moment(form, "sent_on", "sent_time"), current_user.id
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Sending recorded: the letter is in the disclosures register", "success")
            return redirect(url_for(".letter", participant_id=participant.id, letter_id=found.id))
    return render_participant(
        "consent/simple_form.html",
        participant,
        "gp_letters.sent",
        form=form,
        letter=found,
        title="Record how the letter was sent",
    )


@bp.route("/<int:participant_id>/gp-letters/<int:letter_id>/cancel", methods=["GET", "POST"])
@requires(Action.GP_LETTER_WRITE)
def cancel_letter(participant_id, letter_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(GpLetter, letter_id, participant)
    if found.status not in ("draft", "issued"):
        abort(404)
    form = CancelLetterForm()
    if form.validate_on_submit():
        try:
            gp_letters.cancel_letter(participant, found, form.reason.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Letter cancelled", "success")
            return redirect(url_for(".overview", participant_id=participant.id))
    return render_participant(
        "consent/simple_form.html", participant, "gp_letters.cancel", form=form, letter=found, title="Cancel the letter"
    )
