"""Employer contact, the emergency override, and the disclosures register's entries."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from blueprints.common import options, show_problems
from blueprints.consent.common import bp
from blueprints.consent.forms import EmergencyForm, EmployerContactForm, fill_now, typed_moment
from blueprints.participants.common import render_participant
from portal.access.participant_access import FULL, LIMITED, current_level, get_child, get_participant
from portal.actions import Action
from portal.casework import employer_contacts
from portal.consent import consents, disclosures, emergency
from portal.models import Disclosure
from portal.ooh import ooh_calls
from portal.permissions import requires
from portal.tenancy import refuse
from portal.validation import Problems


@bp.route("/<int:participant_id>/employer-contacts/new", methods=["GET", "POST"])
@requires(Action.EMPLOYER_CONTACT_RECORD)
def new_employer_contact(participant_id):
    participant = get_participant(participant_id, FULL)
    employer_contacts.ensure_may_record(participant)
    form = EmployerContactForm()
    purpose = consents.purpose_by_code(employer_contacts.PURPOSE)
    assert purpose is not None  # a purpose the migrations seed (ensure_may_record has just required its consent)
    form.data_categories.choices = options((c, c) for c in purpose.data_categories)
    if not form.is_submitted():
        fill_now(form, "contacted_on", "contacted_time")
        form.employer_name.data = participant.employer
    if form.validate_on_submit():
        try:
            employer_contacts.record_employer_contact(
                participant,
                form.kind.data,
                typed_moment(form, "contacted_on", "contacted_time"),
                form.employer_name.data,
                form.contact_name.data,
                form.what_shared.data,
                form.data_categories.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Contact with the employer recorded in the disclosures register", "success")
            return redirect(url_for(".overview", participant_id=participant.id))
    return render_participant(
        "consent/employer_contact.html",
        participant,
        "employer_contacts.new",
        form=form,
        title="Record contact with the employer",
    )


@bp.route("/<int:participant_id>/emergency-contact", methods=["GET", "POST"])
@requires(Action.EMERGENCY_OVERRIDE)
def emergency_contact(participant_id):
    """Contact with the emergency services or the GP without consent (rule 3)."""
    participant = get_participant(participant_id, LIMITED)
    if emergency.may_make_emergency_contact(current_user, participant) is None:
        refuse(403, object_type="participant", object_id=participant.id, participant_id=participant.id)
    form = EmergencyForm()
    form.data_categories.choices = options((c, c) for c in emergency.EMERGENCY_DATA_CATEGORIES)
    if not form.is_submitted():
        fill_now(form, "contacted_on", "contacted_time")
    if form.validate_on_submit():
        try:
            values = (
                form.recipient_type.data,
                form.recipient_name.data,
                form.reason.data,
                form.what_shared.data,
                form.data_categories.data,
                typed_moment(form, "contacted_on", "contacted_time"),
            )
            if current_level() == FULL:
                emergency.record_emergency_contact(participant, current_user.id, *values)
            else:  # under a verbal-consent grant: logged, the VRC told
                ooh_calls.record_emergency_contact(participant, current_user, *values)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Emergency contact recorded. The Data Protection Officer has been told and will review it", "success")
            if current_level() == FULL:
                return redirect(url_for(".overview", participant_id=participant.id))
            return redirect(url_for("participants.record", participant_id=participant.id))
    return render_participant(
        "consent/emergency.html",
        participant,
        "emergency_contact.new",
        form=form,
        title="Emergency contact without consent",
    )


@bp.route("/<int:participant_id>/disclosures/<int:disclosure_id>")
@requires(Action.CONSENT_VIEW)
def disclosure(participant_id, disclosure_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(Disclosure, disclosure_id, participant)
    return render_participant(
        "consent/disclosure.html",
        participant,
        "disclosures.show",
        shows=("health",),
        disclosure=found,
        title="Disclosure",
    )


@bp.route("/<int:participant_id>/disclosures/<int:disclosure_id>/copy")
@requires(Action.CONSENT_VIEW)
def disclosure_copy(participant_id, disclosure_id):
    participant = get_participant(participant_id, FULL)
    found = get_child(Disclosure, disclosure_id, participant)
    if not found.copy_key:
        abort(404)
    return disclosures.copy_download(found)
