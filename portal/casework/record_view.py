"""What the participant record's pages show, gathered in one place per page."""

from flask_login import AnonymousUserMixin

from portal import clock, tenancy
from portal.access import ooh_log, participant_access
from portal.casework import appointments, participants
from portal.casework.support_plans import actions_of, assessment_of
from portal.models import Participant, User
from portal.participant_fields import FIELD_LABELS


def overview(participant: Participant, user: User | AnonymousUserMixin | None) -> dict[str, object]:
    """The full record's first page: details, status history, next appointment, and
    the earlier episode of a re-referral when the user may see both."""
    earlier = None
    if participant.previous_episode_id:
        # Only an earlier episode of the same organisation can be one the user may see too.
        candidate = tenancy.scoped_find(
            Participant, participant.previous_episode_id, participant_access.org_of(participant)
        )
        if candidate is not None and participant_access.may_see_full(user, candidate):
            earlier = candidate
    return {
        "next_appointment": appointments.next_appointment(participant),
        "status_history": participants.status_history(participant),
        "earlier_episode": earlier,
        "overdue_actions": sum(1 for a in actions_of(participant) if a.overdue(clock.today())),
        "has_assessment": assessment_of(participant) is not None,
        # Out-of-hours calls about the participant: checks, grants, actions, callbacks.
        "ooh_activity": ooh_log.activity_for(participant),
    }


def limited(participant: Participant) -> dict[str, object]:
    """The limited view (DESIGN.md): name, contact details and preferences, the
    assigned VRC, upcoming and recent appointments. Never notes or health."""
    now = clock.now()
    items = appointments.appointments_of(participant)
    return {
        "upcoming": [a for a in items if a.status == "scheduled" and a.starts_at >= now],
        "recent": [a for a in items if not (a.status == "scheduled" and a.starts_at >= now)][-5:][::-1],
    }


def history(participant: Participant) -> dict[str, object]:
    return {
        "changes": participants.change_history(participant),
        "status_history": participants.status_history(participant),
        "field_labels": FIELD_LABELS | {"restricted": "Restricted"},
    }
