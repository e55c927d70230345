"""What every casework page shares: the blueprint, the view audit, the refusal pages
and mapping a service's problems onto a form."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from portal.access import participant_access
from portal.access.participant_access import AccessRefused, ParticipantRestricted
from portal.extensions import db
from portal.models import Membership, User
from portal.tenancy import org_blueprint, roles_org

bp = org_blueprint("participants", __name__, url_prefix="/participants")
bp.before_request(participant_access.gate_casework_url)


def render_participant(template: str, participant, view: str, shows=(), **context):
    """Render a page showing ``participant``'s data, auditing the view (rule 1)."""
    participant_access.audit_view(participant, view, tuple(shows))
    return render_template(template, participant=participant, level=participant_access.current_level(), **context)


def admins_of(org_id: int) -> list[User]:

    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org_id, Membership.role == "admin", User.active.is_(True))
            .order_by(User.name)
        )
    )


@bp.app_errorhandler(AccessRefused)
def _access_refused(error: AccessRefused):
    org = roles_org()
    return render_template(
        "participants/refused.html",
        title=_REFUSED_TITLES[error.reason],
        reason=error.reason,
        refused_participant=error.participant,
        context=error.context,
        admins=_training_admins(org) if error.reason == "training" else [],
    ), 403


def _training_admins(org) -> list[User]:
    """Whom to ask to record training: the admins of the request's organisation, or
    (on fixed URLs such as /ooh/...) of the organisations the user belongs to."""
    if org is not None:
        return admins_of(org.id)
    found: dict[int, User] = {}
    for org_id in sorted({m.org_id for m in current_user.memberships}):
        for admin in admins_of(org_id):
            found.setdefault(admin.id, admin)
    return list(found.values())


_REFUSED_TITLES = {
    "training": "Your data protection training needs renewing",
    "check": "This participant is not assigned to you",
    "limited": "You have the limited view of this participant",
}


@bp.app_errorhandler(ParticipantRestricted)
def _restricted(error: ParticipantRestricted):
    participant_access.audit_restricted_refusal(error)
    return render_template(
        "participants/restricted.html",
        title="This record is restricted",
        refused_participant=error.participant,
        message=error.message,
    ), 403
