"""Notifications: the in-app item, the email (Notify or the development outbox), the home page."""

from unittest import mock

import pytest
from notifications_python_client.errors import HTTPError
from sqlalchemy import select

from portal import notifications
from portal.extensions import db
from portal.models import Notification, OutboxMessage
from tests.factories import sign_in
from tests.support.web import csrf_from


def _outbox():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_notify_makes_an_unread_item_and_an_outbox_email(app, make):
    user = make.user(make.org("h2e"))
    notifications.notify(
        user.id,
        "referral.allocated",
        "Referral 1042 has been allocated to you",
        "/h2e/referrals/1042",
        email_subject="A referral for you",
    )
    db.session.commit()
    item = db.session.scalars(select(Notification)).one()
    assert (item.user_id, item.kind, item.link, item.read_at) == (
        user.id,
        "referral.allocated",
        "/h2e/referrals/1042",
        None,
    )
    [message] = _outbox()
    assert message.status == "outbox"  # no Notify key outside production: kept for the dev page
    assert message.email_address == user.email
    assert message.subject == "A referral for you"
    assert "Referral 1042 has been allocated to you" in message.body
    assert "http://portal.test/h2e/referrals/1042" in message.body


def test_notify_default_subject_and_no_email_for_a_deactivated_account(make):
    user = make.user(make.org("h2e"))
    notifications.notify(user.id, "k", "Something happened", "/")
    user.active = False
    notifications.notify(user.id, "k", "Something else", "/")
    db.session.commit()
    assert db.session.scalars(select(Notification)).all().__len__() == 2
    [message] = _outbox()
    assert message.subject == notifications.DEFAULT_SUBJECT


def test_a_notification_links_inside_the_portal_only(make):
    user = make.user(make.org("h2e"))
    with pytest.raises(ValueError):
        notifications.notify(user.id, "k", "Look", "https://evil.example/")


def _with_notify_key(app, monkeypatch):
    monkeypatch.setitem(
        app.config,
        "NOTIFY_API_KEY",
        "test_key-00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000",
    )
    monkeypatch.setitem(app.config, "NOTIFY_TEMPLATE_EMAIL", "template-1234")


def _queued_message(user, sensitive=False) -> OutboxMessage:
    message = OutboxMessage(
        user_id=user.id,
        email_address=user.email,
        kind="k",
        subject="Subject line",
        body="Body text",
        sensitive=sensitive,
        status="queued",
        created_at=notifications.clock.now(),
        attempts=0,
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_send_email_calls_gov_uk_notify_with_the_template_and_personalisation(app, make, monkeypatch):
    _with_notify_key(app, monkeypatch)
    user = make.user(make.org("h2e"))
    message = _queued_message(user)
    with mock.patch.object(notifications, "NotificationsAPIClient") as client_class:
        client_class.return_value.send_email_notification.return_value = {"id": "notify-abc"}
        result = notifications.send_email(message.id)
        # Safe to run twice: a sent message is not sent again.
        assert notifications.send_email(message.id) == result
    # At the address portal/outbound.py lists (the README's "Where data lives").
    client_class.assert_called_once_with(
        app.config["NOTIFY_API_KEY"], base_url="https://api.notifications.service.gov.uk"
    )
    client_class.return_value.send_email_notification.assert_called_once_with(
        email_address=user.email,
        template_id="template-1234",
        personalisation={"subject": "Subject line", "body": "Body text"},
    )
    db.session.refresh(message)
    assert (message.status, message.notify_id, message.attempts) == ("sent", "notify-abc", 1)
    assert result == {"status": "sent", "notify_id": "notify-abc"}


def test_a_sensitive_body_is_removed_once_sent(app, make, monkeypatch):
    _with_notify_key(app, monkeypatch)
    message = _queued_message(make.user(make.org("h2e")), sensitive=True)
    with mock.patch.object(notifications, "NotificationsAPIClient") as client_class:
        client_class.return_value.send_email_notification.return_value = {"id": "n1"}
        notifications.send_email(message.id)
    db.session.refresh(message)
    assert message.body == notifications.REMOVED_BODY


def _http_error(status):
    response = mock.Mock(status_code=status)
    response.json.return_value = {"errors": [{"error": "X", "message": "refused"}]}
    return HTTPError(response)


def test_a_transient_failure_raises_for_a_retry_and_a_permanent_one_fails_the_message(app, make, monkeypatch):
    _with_notify_key(app, monkeypatch)
    user = make.user(make.org("h2e"))
    transient = _queued_message(user)
    permanent = _queued_message(user)
    with mock.patch.object(notifications, "NotificationsAPIClient") as client_class:
        client_class.return_value.send_email_notification.side_effect = _http_error(500)
        with pytest.raises(HTTPError):
            notifications.send_email(transient.id)
        client_class.return_value.send_email_notification.side_effect = _http_error(400)
        with pytest.raises(notifications.EmailRefused):
            notifications.send_email(permanent.id)
        # A retry of the refused message fails again without calling Notify.
        calls = client_class.return_value.send_email_notification.call_count
        with pytest.raises(notifications.EmailRefused):
            notifications.send_email(permanent.id)
        assert client_class.return_value.send_email_notification.call_count == calls
    db.session.refresh(transient)
    db.session.refresh(permanent)
    assert (transient.status, transient.attempts) == ("queued", 1)
    assert "500" in transient.error
    assert permanent.status == "failed" and "400" in permanent.error


def _home_page(client):
    return client.get("/").get_data(as_text=True)


def test_the_home_page_shows_unread_notifications_and_they_can_be_marked_read(client, make):
    org = make.org("h2e")
    user = make.user(org)
    other = make.user(org)
    first = notifications.notify(user.id, "k", "Referral 11 allocated", "/h2e/")
    notifications.notify(user.id, "k", "Referral 12 allocated", "/h2e/")
    theirs = notifications.notify(other.id, "k", "Referral 13 allocated", "/h2e/")
    db.session.commit()
    first_id, theirs_id = first.id, theirs.id
    sign_in(client, user)
    page = client.get("/")
    body = page.get_data(as_text=True)
    assert "Referral 11 allocated" in body and "Referral 12 allocated" in body
    assert "Referral 13" not in body

    response = client.post(
        f"/account/notifications/{first_id}/read", data={"csrf_token": csrf_from(page), "back": "home"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"
    body = _home_page(client)
    assert "Referral 11 allocated" not in body and "Referral 12 allocated" in body

    # Somebody else's notification cannot be marked read (nor found).
    assert (
        client.post(f"/account/notifications/{theirs_id}/read", data={"csrf_token": csrf_from(page)}).status_code == 404
    )
    # Without the CSRF token nothing happens.
    assert client.post("/account/notifications/read-all").status_code == 400

    response = client.post("/account/notifications/read-all", data={"csrf_token": csrf_from(page), "back": "list"})
    assert response.headers["Location"] == "/account/notifications"
    assert "You have no unread notifications" in _home_page(client)
    listing = client.get("/account/notifications").get_data(as_text=True)
    assert "Referral 11 allocated" in listing and "Referral 12 allocated" in listing
    db.session.expire_all()
    assert db.session.get(Notification, theirs_id).read_at is None


def test_the_development_outbox_lists_emails_and_is_gone_in_production(app, client, make, monkeypatch):
    user = make.user(make.org("h2e"))
    notifications.notify(user.id, "k", "Referral 77 allocated", "/h2e/")
    db.session.commit()
    sign_in(client, user)
    page = client.get("/account/dev-outbox")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Referral 77 allocated" in body and user.email in body
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    assert client.get("/account/dev-outbox").status_code == 404


def test_with_a_notify_key_notify_queues_an_email_job_that_sends_it(app, client, make, monkeypatch):
    from portal.models import Job

    _with_notify_key(app, monkeypatch)
    org = make.org("h2e")
    admin = make.user(org, roles=["admin"])
    user = make.user(org, roles=["vrc"])
    sign_in(client, admin)
    page = client.get(f"/admin/h2e/staff/{user.id}")
    with mock.patch.object(notifications, "NotificationsAPIClient") as client_class:
        client_class.return_value.send_email_notification.return_value = {"id": "notify-1"}
        # Giving a role notifies the person; the email job runs after the request's commit.
        response = client.post(f"/admin/h2e/staff/{user.id}/roles", data={"csrf_token": csrf_from(page), "role": "ooh"})
        assert response.status_code == 303
    db.session.expire_all()
    [message] = _outbox()
    assert (message.status, message.notify_id, message.email_address) == ("sent", "notify-1", user.email)
    [job] = db.session.scalars(select(Job)).all()
    assert (job.kind, job.status, job.args) == ("email", "done", [message.id])
    call = client_class.return_value.send_email_notification.call_args
    assert call.kwargs["email_address"] == user.email
    assert call.kwargs["template_id"] == "template-1234"
    assert "Out-of-hours adviser" in call.kwargs["personalisation"]["body"]
