"""Notifications: an in-app item on the recipient's home page plus an email.

Every later area tells people things through ``notify``. Email goes through GOV.UK
Notify by a background job (retried on Redis). Outside production with no Notify key,
emails stay in the outbox table and the development outbox page lists them.

Emails leave the portal, so neither the text nor the link may hold a participant's
personal data: say "Referral 1042 has been allocated to you", never a name.
"""

from typing import Any, cast

from flask import current_app
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import CursorResult, func, select, update

from portal import clock, jobs, outbound
from portal.actions import Action
from portal.extensions import db
from portal.models import Notification, OutboxMessage, User

DEFAULT_SUBJECT = "You have a new notification in the partner portal"
REMOVED_BODY = "[Removed once sent: it held a single-use link.]"
# Notify answers these when the message itself (or the key) is wrong: retrying cannot help.
PERMANENT_STATUSES = frozenset({400, 403})


class EmailRefused(jobs.Fail):
    """GOV.UK Notify refused the message for good (a bad address, a bad key): the job
    fails at once instead of retrying."""


def notify(user_id: int, kind: str, text: str, link: str, email_subject: str | None = None) -> Notification:
    """Tell a user something: an unread item on their home page and an email.

    ``link`` is a path inside the portal ("/h2e/referrals/1042"). A deactivated account
    gets the item but no email. The caller commits; the email job runs after that commit.
    """
    if link and not link.startswith("/"):
        raise ValueError("a notification links to a page of the portal: a path starting with /")
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    notification = Notification(user_id=user_id, kind=kind, text=text[:500], link=link or "", created_at=clock.now())
    db.session.add(notification)
    if user.active:
        body = text
        if link:
            body += "\n\n" + absolute_url(link)
        body += "\n\nSign in to the partner portal to see your notifications."
        queue_email(user_id, kind, email_subject or DEFAULT_SUBJECT, body)
    db.session.flush()
    return notification


def queue_email(user_id: int, kind: str, subject: str, body: str, sensitive: bool = False) -> OutboxMessage:
    """Write an email to the outbox and, when Notify is configured, queue the job that
    sends it. ``sensitive`` bodies (a single-use link) are blanked once sent.
    The caller commits (outside a request, jobs.enqueue commits and sends at once)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    sending = bool(current_app.config.get("NOTIFY_API_KEY"))
    message = OutboxMessage(
        user_id=user_id,
        email_address=user.email,
        kind=kind,
        subject=subject[:200],
        body=body,
        sensitive=sensitive,
        status="queued" if sending else "outbox",
        created_at=clock.now(),
        attempts=0,
    )
    db.session.add(message)
    db.session.flush()
    if sending:
        jobs.enqueue(send_email, message.id, kind=Action.EMAIL)
    return message


def send_email(message_id: int) -> dict[str, str | None]:
    """Job: send one outbox message through GOV.UK Notify. Safe to run twice: a message
    already sent is not sent again. A transient failure raises so the job is retried;
    a permanent one marks the message failed and raises every time it is retried."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return {"status": "missing"}
    if message.status == "sent":
        return {"status": "sent", "notify_id": message.notify_id}
    if message.status == "failed":
        raise EmailRefused(message.error or "GOV.UK Notify refused this email")
    config = current_app.config
    if not config.get("NOTIFY_API_KEY"):
        message.status = "outbox"
        db.session.commit()
        return {"status": "outbox"}
    message.attempts += 1
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]  # the Notify client is unannotated
        config["NOTIFY_API_KEY"], base_url=outbound.url_of("GOV.UK Notify")
    )
    try:
        response = client.send_email_notification(  # type: ignore[no-untyped-call]  # the Notify client is unannotated
            email_address=message.email_address,
            template_id=config["NOTIFY_TEMPLATE_EMAIL"],
            personalisation={"subject": message.subject, "body": message.body},
        )
    except HTTPError as error:
        message.error = f"GOV.UK Notify answered {error.status_code}: {error.message}"[:500]
        if error.status_code in PERMANENT_STATUSES:
            message.status = "failed"
            db.session.commit()
            raise EmailRefused(message.error) from error
        db.session.commit()
        raise
    except Exception as error:
        message.error = f"{type(error).__name__}: {error}"[:500]
        db.session.commit()
        raise
    message.status = "sent"
    message.sent_at = clock.now()
    message.notify_id = str((response or {}).get("id") or "")[:64] or None
    message.error = None
    if message.sensitive:
        message.body = REMOVED_BODY
    db.session.commit()
    return {"status": "sent", "notify_id": message.notify_id}


def absolute_url(path: str) -> str:
    base: str = current_app.config["PUBLIC_BASE_URL"]
    return base.rstrip("/") + path


def unread_for(user_id: int, limit: int = 20) -> list[Notification]:
    """The newest unread notifications of a user, for the home page."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user_id: int) -> int:
    count = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    assert count is not None  # COUNT(*) always answers
    return count


def recent_for(user_id: int, limit: int = 100) -> list[Notification]:
    """A user's newest notifications, read or not."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user_id: int, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False when it is not theirs."""
    notification = db.session.scalars(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    ).first()
    if notification is None:
        return False
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.session.commit()
    return True


def mark_all_read(user_id: int) -> int:
    count = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=clock.now())
        ),
    ).rowcount  # an UPDATE's result
    db.session.commit()
    return count


def dev_outbox_enabled() -> bool:
    return current_app.config["PORTAL_ENV"] in ("development", "test")


def outbox_messages(limit: int = 200) -> list[OutboxMessage]:
    """The newest emails of the outbox, for the development page."""
    return list(
        db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
        )
    )
