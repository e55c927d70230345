"""A participant's consents: the page, recording, evidence, withdrawal, receipts."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.common import options, show_problems
from blueprints.consent.common import bp, upload_from
from blueprints.consent.forms import ConsentForm, EvidenceForm, WithdrawForm, fill_now, typed_moment
from blueprints.participants.common import render_participant
from portal.access.participant_access import FULL, LIMITED, current_level, get_child, get_participant
from portal.actions import Action
from portal.casework import employer_contacts, gp_letters
from portal.consent import consents, disclosures, emergency, privacy_notices, receipts, recording
from portal.extensions import db
from portal.models import Consent, ConsentEvidence, Organisation
from portal.ooh import ooh_calls
from portal.permissions import requires
from portal.validation import Problems


@bp.route("/<int:participant_id>/consents")
@requires(Action.CONSENT_VIEW)
def overview(participant_id):
    participant = get_participant(participant_id, FULL)
    return render_participant(
        "consent/overview.html",
        participant,
        "consents",
        shows=("health",),
        states=consents.purpose_states(participant),
        register=disclosures.disclosures_of(participant),
        letters=gp_letters.letters_of(participant),
        employer_contacts=employer_contacts.employer_contacts_of(participant),
        emergency_contacts=emergency.emergency_contacts_of(participant),
        may_override=emergency.may_make_emergency_contact(current_user, participant) is not None,
        current_notice=privacy_notices.current_notice(),
    )


@bp.route("/<int:participant_id>/consents/new", methods=["GET", "POST"])
@requires(Action.CONSENT_RECORD)
def record_decision(participant_id):
    participant = get_participant(participant_id, FULL)
    form = ConsentForm()
    form.purpose.choices = options((p.code, p.name) for p in consents.active_purposes())
    notice = privacy_notices.current_notice()
    if not form.is_submitted():
        form.purpose.data = request.args.get("purpose", "")
        form.notice_id.data = str(notice.id) if notice else ""
        fill_now(form, "decided_on", "decided_time")
    if form.validate_on_submit():
        try:
            consent = recording.record_consent(
                participant,
                form.purpose.data,
                form.decision.data,
                form.method.data,
                form.words.data,
                typed_moment(form, "decided_on", "decided_time"),
                form.notice_id.data,
                upload_from(),
                current_user.id,
                backdated_reason=form.backdated_reason.data,
            )
        except Problems as problems:
            show_problems(form, problems)
            form.notice_id.data = str(notice.id) if notice else ""
        else:
            if consent.decision == "given" and not consents.consent_live_at(consent):
                flash(
                    "Decision recorded, but the consent is not live: a withdrawal or refusal dated after the "
                    "decision ends it. If the participant has given consent again, record a new decision dated "
                    "when they gave it",
                    "warning",
                )
            else:
                flash("Decision recorded", "success")
            return redirect(url_for(".overview", participant_id=participant.id))
    return render_participant(
        "consent/record.html",
        participant,
        "consents.new",
        form=form,
        notice=notice,
        purposes=consents.active_purposes(),
        title="Record a consent decision",
    )


@bp.route("/<int:participant_id>/consents/<int:consent_id>/withdraw", methods=["GET", "POST"])
@requires(Action.CONSENT_WITHDRAW)
def withdraw(participant_id, consent_id):
    participant = get_participant(participant_id, LIMITED)
    consent = get_child(Consent, consent_id, participant)
    form = WithdrawForm()
    if not form.is_submitted():
        fill_now(form, "withdrawn_on", "withdrawn_time")
    if form.validate_on_submit():
        try:
            withdrawn_at = typed_moment(form, "withdrawn_on", "withdrawn_time")
            if _full():
                recording.withdraw_consent(
                    participant, consent, withdrawn_at, form.method.data, form.words.data, current_user.id
                )
            else:  # under a verbal-consent grant: logged, the VRC told
                ooh_calls.withdraw_consent(
                    participant, consent, withdrawn_at, form.method.data, form.words.data, current_user
                )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Consent to ‘{consent.purpose.name}’ withdrawn: it stopped being live at once", "success")
            if _full():
                return redirect(url_for(".overview", participant_id=participant.id))
            return redirect(url_for("participants.record", participant_id=participant.id))
    return render_participant(
        "consent/withdraw.html",
        participant,
        "consents.withdraw",
        form=form,
        consent=consent,
        title="Withdraw a consent",
    )


def _full() -> bool:

    return current_level() == FULL


@bp.route("/<int:participant_id>/consents/<int:consent_id>/evidence", methods=["GET", "POST"])
@requires(Action.CONSENT_RECORD)
def add_evidence(participant_id, consent_id):
    participant = get_participant(participant_id, FULL)
    consent = get_child(Consent, consent_id, participant)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            recording.add_evidence(participant, consent, upload_from(), current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Signed form uploaded", "success")
            return redirect(url_for(".overview", participant_id=participant.id))
    return render_participant(
        "consent/evidence.html",
        participant,
        "consents.evidence",
        form=form,
        consent=consent,
        title="Upload a signed consent form",
    )


@bp.route("/<int:participant_id>/consents/<int:consent_id>/evidence/<int:evidence_id>")
@requires(Action.CONSENT_VIEW)
def evidence(participant_id, consent_id, evidence_id):
    """The signed form itself: only to those who may see the full record; audited."""
    participant = get_participant(participant_id, FULL)
    consent = get_child(Consent, consent_id, participant)
    item = get_child(ConsentEvidence, evidence_id, participant)
    if item.consent_id != consent.id:
        abort(404)
    return recording.evidence_download(consent, item)


@bp.route("/<int:participant_id>/consents/<int:consent_id>/receipt")
@requires(Action.CONSENT_VIEW)
def receipt(participant_id, consent_id):
    participant = get_participant(participant_id, FULL)
    consent = get_child(Consent, consent_id, participant)
    org = db.session.get(Organisation, participant.org_id)
    assert org is not None  # the participant's organisation (org_id is a foreign key)
    return render_participant(
        "consent/receipt.html",
        participant,
        "consents.receipt",
        consent=consent,
        receipt=receipts.receipt(consent, participant, org.name),
        title="Consent receipt",
    )
