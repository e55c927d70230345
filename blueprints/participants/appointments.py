"""Appointments: the list, booking, rescheduling, cancelling and attendance."""

from flask import flash, redirect, url_for
from flask_login import current_user

from blueprints.common import local_datetime, show_problems
from blueprints.ooh.forms import RescheduleForm as CallRescheduleForm
from blueprints.participants.common import bp, render_participant
from blueprints.participants.forms import AppointmentForm, CancelForm, OutcomeForm, RescheduleForm
from portal import clock
from portal.access.participant_access import FULL, LIMITED, current_level, get_child, get_participant
from portal.actions import Action
from portal.casework import appointments
from portal.models import Appointment
from portal.ooh import ooh_calls
from portal.permissions import requires
from portal.validation import Invalid, Problems


def _starts_at(form):
    """The typed date and time as a UTC time; a bad time is the time field's error."""
    starts_at = local_datetime(form.date.data, form.time.data)
    if form.date.data is not None and starts_at is None:
        raise Problems([Invalid("Enter a real time, like 14:30", field="time")])
    if form.date.data is None:
        raise Problems([Invalid("Enter the date of the appointment", field="date")])
    return starts_at


def _date_problems(problems: Problems) -> Problems:
    for problem in problems.problems:
        if problem.field == "starts_at":
            problem.field = "date"
    return problems


@bp.route("/<int:participant_id>/appointments")
@requires(Action.PARTICIPANT_VIEW)
def appointments_list(participant_id):
    participant = get_participant(participant_id, FULL)
    return render_participant(
        "participants/appointments.html",
        participant,
        "appointments",
        appointments=appointments.appointments_of(participant),
        next_appointment=appointments.next_appointment(participant),
        now=clock.now(),
    )


@bp.route("/<int:participant_id>/appointments/new", methods=["GET", "POST"])
@requires(Action.APPOINTMENT_MANAGE)
def new_appointment(participant_id):
    participant = get_participant(participant_id, FULL)
    form = AppointmentForm()
    if form.validate_on_submit():
        try:
            appointments.schedule(
                participant,
                _starts_at(form),
                form.duration_minutes.data,
                form.channel.data,
                form.location.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, _date_problems(problems))
        else:
            flash("Appointment booked", "success")
            return redirect(url_for(".appointments_list", participant_id=participant.id))
    return render_participant(
        "participants/appointment_form.html", participant, "appointments.new", form=form, title="Book an appointment"
    )


@bp.route("/<int:participant_id>/appointments/<int:appointment_id>/reschedule", methods=["GET", "POST"])
@requires(Action.APPOINTMENT_CHANGE)
def reschedule(participant_id, appointment_id):
    participant = get_participant(participant_id, LIMITED)
    appointment = get_child(Appointment, appointment_id, participant)
    # Under a verbal-consent grant the call's form, which asks who wanted the change.
    form = CallRescheduleForm() if current_level() == LIMITED else RescheduleForm()
    if form.validate_on_submit():
        try:
            if current_level() == LIMITED:  # under a verbal-consent grant: logged, the VRC told
                ooh_calls.reschedule_appointment(
                    participant,
                    appointment,
                    _starts_at(form),
                    form.reason.data or "",
                    form.requested_by.data,
                    current_user,
                )
            else:
                appointments.reschedule(
                    participant, appointment, _starts_at(form), form.reason.data or "", current_user.id
                )
        except Problems as problems:
            show_problems(form, _date_problems(problems))
        else:
            flash("Appointment rescheduled", "success")
            return redirect(_back(participant))
    return render_participant(
        "participants/appointment_change.html",
        participant,
        "appointments.reschedule",
        form=form,
        appointment=appointment,
        title="Reschedule an appointment",
    )


@bp.route("/<int:participant_id>/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@requires(Action.APPOINTMENT_CHANGE)
def cancel(participant_id, appointment_id):
    participant = get_participant(participant_id, LIMITED)
    appointment = get_child(Appointment, appointment_id, participant)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            if current_level() == LIMITED:  # under a verbal-consent grant: logged, the VRC told
                ooh_calls.cancel_appointment(
                    participant, appointment, form.cancelled_by.data, form.reason.data or "", current_user
                )
            else:
                appointments.cancel(
                    participant, appointment, form.cancelled_by.data, form.reason.data or "", current_user.id
                )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Appointment cancelled", "success")
            return redirect(_back(participant))
    return render_participant(
        "participants/appointment_change.html",
        participant,
        "appointments.cancel",
        form=form,
        appointment=appointment,
        title="Cancel an appointment",
    )


@bp.route("/<int:participant_id>/appointments/<int:appointment_id>/outcome", methods=["GET", "POST"])
@requires(Action.APPOINTMENT_MANAGE)
def outcome(participant_id, appointment_id):
    participant = get_participant(participant_id, FULL)
    appointment = get_child(Appointment, appointment_id, participant)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            appointments.record_outcome(participant, appointment, form.outcome.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Attendance recorded", "success")
            return redirect(url_for(".appointments_list", participant_id=participant.id))
    return render_participant(
        "participants/appointment_change.html",
        participant,
        "appointments.outcome",
        form=form,
        appointment=appointment,
        title="Record attendance",
    )


def _back(participant):
    """The full list for the full record; the record's limited view otherwise."""

    if current_level() == FULL:
        return url_for(".appointments_list", participant_id=participant.id)
    return url_for(".record", participant_id=participant.id)
