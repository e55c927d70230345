"""The consent blueprint under ``/<org>/participants/<id>/...``: shared helpers and
the page shown when an action is refused for want of a live consent."""

from flask import g, render_template, request

from portal.access import participant_access
from portal.consent import consents, recording
from portal.consent.consents import ConsentRequired
from portal.consent.recording import Upload
from portal.tenancy import org_blueprint

bp = org_blueprint("consent", __name__, url_prefix="/participants")
bp.before_request(participant_access.gate_casework_url)


@bp.app_template_global("consent_states")
def consent_states(participant):
    """Each purpose's current state, for the record's overview and limited view."""
    return consents.purpose_states(participant)


@bp.app_errorhandler(ConsentRequired)
def _consent_required(error: ConsentRequired):
    consents.audit_refusal(error)
    participant = error.participant
    return render_template(
        "consent/refused.html",
        title="This needs the participant’s consent",
        message=error.message,
        refused_participant=participant,
        in_org=g.get("org") is not None and g.org.id == participant.org_id,
    ), 403


def upload_from(field_name: str = "evidence") -> Upload | None:
    """The uploaded file (read up to one byte past the limit: enough to say it is too big)."""
    storage = request.files.get(field_name)
    if storage is None or not storage.filename:
        return None
    return Upload(filename=storage.filename, content=storage.stream.read(recording.evidence_max_bytes() + 1))
