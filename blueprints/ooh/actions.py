"""What an out-of-hours worker may do on a call under a live grant: reschedule or cancel an
appointment, leave a call note, record an emergency contact. Views of the ``ooh``
blueprint."""

from flask import flash, redirect, render_template
from flask_login import current_user

from blueprints.common import local_datetime, options, show_problems
from blueprints.consent.forms import EmergencyForm, fill_now, typed_moment
from blueprints.ooh.forms import CallNoteForm, CancelForm, RescheduleForm
from blueprints.ooh.routes import audit_restricted, granted_participant, here_url, restricted_page
from blueprints.ooh.routes import bp as bp  # re-exported: these views are the ooh blueprint's
from portal.access import participant_access
from portal.access.participant_access import ParticipantRestricted, get_child
from portal.actions import Action
from portal.consent import emergency as emergency_service
from portal.models import Appointment
from portal.ooh import ooh_calls
from portal.permissions import requires
from portal.tenancy import refuse
from portal.validation import Invalid, Problems


def _starts_at(form):
    starts_at = local_datetime(form.date.data, form.time.data)
    if form.date.data is None:
        raise Problems([Invalid("Enter the new date", field="date")])
    if starts_at is None:
        raise Problems([Invalid("Enter a real time, like 14:30", field="time")])
    return starts_at


def _date_field(problems: Problems) -> Problems:
    for problem in problems.problems:
        if problem.field == "starts_at":
            problem.field = "date"
    return problems


@bp.route(
    "/<org>/participants/<int:participant_id>/appointments/<int:appointment_id>/reschedule", methods=["GET", "POST"]
)
@requires(Action.OOH_CALL)
def reschedule(participant_id, appointment_id):
    participant, grant = granted_participant()
    if participant is None:
        return grant
    appointment = get_child(Appointment, appointment_id, participant)
    form = RescheduleForm()
    if form.validate_on_submit():
        try:
            ooh_calls.reschedule_appointment(
                participant, appointment, _starts_at(form), form.reason.data or "", form.requested_by.data, current_user
            )
        except Problems as problems:
            show_problems(form, _date_field(problems))
        except ParticipantRestricted as error:
            return restricted_page(error)
        else:
            flash("Appointment rescheduled. The participant’s VRC has been told", "success")
            return redirect(here_url(".participant"))
    participant_access.audit_view(participant, "ooh.reschedule")
    return render_template(
        "ooh/appointment_change.html",
        title="Reschedule an appointment",
        form=form,
        participant=participant,
        appointment=appointment,
        grant=grant,
    )


@bp.route("/<org>/participants/<int:participant_id>/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@requires(Action.OOH_CALL)
def cancel(participant_id, appointment_id):
    participant, grant = granted_participant()
    if participant is None:
        return grant
    appointment = get_child(Appointment, appointment_id, participant)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            ooh_calls.cancel_appointment(
                participant, appointment, form.cancelled_by.data, form.reason.data or "", current_user
            )
        except Problems as problems:
            show_problems(form, problems)
        except ParticipantRestricted as error:
            audit_restricted(error)
            show_problems(
                form,
                Problems(
                    [
                        Invalid(
                            "This record is restricted: an appointment can only be cancelled at the participant’s "
                            "own request",
                            field="cancelled_by",
                        )
                    ]
                ),
            )
        else:
            flash("Appointment cancelled. The participant’s VRC has been told", "success")
            return redirect(here_url(".participant"))
    participant_access.audit_view(participant, "ooh.cancel")
    return render_template(
        "ooh/appointment_change.html",
        title="Cancel an appointment",
        form=form,
        participant=participant,
        appointment=appointment,
        grant=grant,
    )


@bp.route("/<org>/participants/<int:participant_id>/call-note", methods=["GET", "POST"])
@requires(Action.OOH_CALL)
def call_note(participant_id):
    participant, grant = granted_participant()
    if participant is None:
        return grant
    form = CallNoteForm()
    try:
        ooh_calls.ensure_may_add_call_note(participant)
        if form.validate_on_submit():
            try:
                ooh_calls.add_call_note(participant, grant, form.text.data or "", current_user)
            except Problems as problems:
                show_problems(form, problems)
            else:
                flash("Call note saved. The participant’s VRC has been told", "success")
                return redirect(here_url(".participant"))
    except ParticipantRestricted as error:
        return restricted_page(error)
    participant_access.audit_view(participant, "ooh.call_note")
    return render_template(
        "ooh/call_note.html", title="Add a call note", form=form, participant=participant, grant=grant
    )


@bp.route("/<org>/participants/<int:participant_id>/emergency", methods=["GET", "POST"])
@requires(Action.OOH_CALL)
def emergency(participant_id):
    """The emergency override of the consent service (DESIGN.md rule 3), from the call."""

    participant, grant = granted_participant()
    if participant is None:
        return grant
    if emergency_service.may_make_emergency_contact(current_user, participant) is None:
        refuse(403, object_type="participant", object_id=participant.id, participant_id=participant.id)
    form = EmergencyForm()
    form.data_categories.choices = options((c, c) for c in emergency_service.EMERGENCY_DATA_CATEGORIES)
    if not form.is_submitted():
        fill_now(form, "contacted_on", "contacted_time")
    if form.validate_on_submit():
        try:
            ooh_calls.record_emergency_contact(
                participant,
                current_user,
                form.recipient_type.data,
                form.recipient_name.data,
                form.reason.data,
                form.what_shared.data,
                form.data_categories.data,
                typed_moment(form, "contacted_on", "contacted_time"),
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(
                "Emergency contact recorded. The Data Protection Officer and the participant’s VRC have been told",
                "success",
            )
            return redirect(here_url(".participant"))
    participant_access.audit_view(participant, "ooh.emergency")
    return render_template(
        "ooh/emergency.html", title="Emergency contact without consent", form=form, participant=participant, grant=grant
    )


# ----------------------------------------------------------------- the worker's access
