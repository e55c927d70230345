"""Case notes: the list, writing, amending (a new version) and each note's history."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.participants.common import bp, render_participant
from blueprints.participants.forms import AmendNoteForm, NoteForm
from portal import clock, tenancy
from portal.access.participant_access import FULL, get_child, get_participant
from portal.actions import Action
from portal.casework import case_notes
from portal.models import CaseNote
from portal.permissions import requires
from portal.validation import Problems

NOTES = ("case_notes",)


@bp.route("/<int:participant_id>/notes")
@requires(Action.PARTICIPANT_VIEW)
def notes(participant_id):
    participant = get_participant(participant_id, FULL)
    found = case_notes.notes_page(participant, tenancy.valid_id(request.args.get("page")) or 1)
    return render_participant("participants/notes.html", participant, "notes", shows=NOTES, result=found)


@bp.route("/<int:participant_id>/notes/new", methods=["GET", "POST"])
@requires(Action.CASE_NOTE_WRITE)
def new_note(participant_id):
    participant = get_participant(participant_id, FULL)
    form = NoteForm()
    if not form.is_submitted():
        form.contact_date.data = clock.today()
    if form.validate_on_submit():
        try:
            case_notes.write_note(
                participant, form.contact_date.data, form.note_type.data, form.text.data or "", current_user.id
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Case note saved", "success")
            return redirect(url_for(".notes", participant_id=participant.id))
    return render_participant(
        "participants/note_form.html", participant, "notes.new", form=form, title="Write a case note"
    )


@bp.route("/<int:participant_id>/notes/<int:note_id>")
@requires(Action.PARTICIPANT_VIEW)
def note(participant_id, note_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(CaseNote, note_id, participant)
    return render_participant("participants/note.html", participant, "notes.history", shows=NOTES, note=found)


@bp.route("/<int:participant_id>/notes/<int:note_id>/amend", methods=["GET", "POST"])
@requires(Action.CASE_NOTE_WRITE)
def amend_note(participant_id, note_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(CaseNote, note_id, participant)
    form = AmendNoteForm()
    if not form.is_submitted():
        form.text.data = found.current.text
    if form.validate_on_submit():
        try:
            case_notes.amend_note(participant, found, form.text.data or "", form.reason.data or "", current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Amendment saved: the earlier version is kept in the note’s history", "success")
            return redirect(url_for(".note", participant_id=participant.id, note_id=found.id))
    return render_participant(
        "participants/note_amend.html",
        participant,
        "notes.amend",
        shows=NOTES,
        form=form,
        note=found,
        title="Amend a case note",
    )
