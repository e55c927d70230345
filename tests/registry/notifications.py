"""Cases for notifications (own items only) and the development email outbox."""

from portal import clock
from portal.models import Notification
from tests.registry import WORLD_BUILDERS, Case

SIGNED_IN = (
    "vrc",
    "other_vrc",
    "team_manager",
    "ooh",
    "ooh_lead",
    "admin",
    "dpo",
    "contract_manager",
    "lead_admin",
    "dwp",
)


def _notifications(w):
    from portal.extensions import db

    w.vrc_notification = Notification(
        user_id=w.users["vrc"].id, kind="test", text="Referral 1 allocated", link="/", created_at=clock.now()
    )
    db.session.add(w.vrc_notification)
    db.session.flush()


WORLD_BUILDERS.append(_notifications)

CASES = [
    Case("notifications.index", expect=dict.fromkeys(SIGNED_IN, 200)),
    # Marking read: only the recipient; anyone else's attempt finds nothing.
    Case(
        "notifications.mark_read",
        "POST",
        args=lambda w: {"notification_id": w.vrc_notification.id},
        default=404,
        expect={"vrc": 303},
        see_other_to="/",
    ),
    Case("notifications.mark_all_read", "POST", expect=dict.fromkeys(SIGNED_IN, 303)),
    # The outbox page exists in development and test only (404 in production: tested apart).
    Case("notifications.dev_outbox", expect=dict.fromkeys(SIGNED_IN, 200)),
]
