"""Forgotten password: the same answer for every address, a single-use link valid one
hour (only its hash stored), every session ended, and no way around the lockout."""

import json
import statistics
import time
from datetime import timedelta

from sqlalchemy import select

from portal import clock, jobs
from portal.accounts import account, passwords
from portal.extensions import db
from portal.models import AuditEvent, Job, PasswordReset, User
from tests.factories import PASSWORD, next_code, sign_in
from tests.lifecycle.helpers import NEW_PASSWORD, comparable, events, outbox, post_form, reset_link
from tests.support.queries import statements
from tests.support.web import csrf_from

FORGOT = "/account/forgot-password"


def _ask(client, email):
    return post_form(client, FORGOT, {"email": email})


def _reset(client, link, new=NEW_PASSWORD, confirm=None):
    return post_form(client, link, {"new_password": new, "confirm": new if confirm is None else confirm})


def _sign_in_step(client, email, password):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_from(page), "email": email, "password": password})


def test_reset_by_link_sets_the_password_and_ends_every_session(app, client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    signed_in = app.test_client()
    sign_in(signed_in, user)

    response = _ask(client, user.email.upper())  # addresses are matched whatever their case
    assert response.status_code == 303 and response.headers["Location"] == "/account/forgot-password/sent"
    assert "Check your email" in client.get("/account/forgot-password/sent").get_data(as_text=True)
    link = reset_link(user.email)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(PasswordReset)).one()
    assert stored.token_hash == account.token_hash(token) and token not in stored.token_hash
    assert outbox("account.password_reset")[0].sensitive  # the body is blanked once sent

    page = client.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    response = _reset(client, link)
    assert response.status_code == 200
    assert "Your password has been reset" in response.get_data(as_text=True)

    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert passwords.verify_password(changed.password_hash, NEW_PASSWORD)
    assert signed_in.get("/").headers["Location"].startswith("/login")  # every session ended
    assert events("session.revoked")[-1].detail == {"reason": "password_reset", "sessions": 1}
    reset_event = events("account.password_reset")[0]
    assert reset_event.user_id == user.id and reset_event.detail == {"account": user.id}

    # Single use: the link now answers "cannot be used", GET and POST alike.
    reused = client.get(link)
    assert reused.status_code == 404 and "This link cannot be used" in reused.get_data(as_text=True)
    assert (
        client.post(
            link,
            data={
                "csrf_token": csrf_from(page),
                "new_password": "another strong one 9981",
                "confirm": "another strong one 9981",
            },
        ).status_code
        == 404
    )
    # The authenticator is still needed: the new password only gets to the code step.
    fresh = app.test_client()
    sign_in(fresh, user, password=NEW_PASSWORD)
    assert fresh.get("/").status_code == 200


def test_unknown_addresses_get_the_same_answer_and_leave_no_trace(app, make):
    user = make.user(make.org("h2e"), ["vrc"])
    known_client, unknown_client = app.test_client(), app.test_client()
    known = _ask(known_client, user.email)
    unknown = _ask(unknown_client, "nobody.here@example.test")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert comparable(known.get_data(as_text=True)) == comparable(unknown.get_data(as_text=True))
    known_page = known_client.get(known.headers["Location"])
    unknown_page = unknown_client.get(unknown.headers["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert comparable(known_page.get_data(as_text=True)) == comparable(unknown_page.get_data(as_text=True))

    assert len(outbox("account.password_reset")) == 1  # only the real account got an email
    asked = events("account.password_reset_asked")  # the request's own event: the same for both
    assert [(e.object_type, e.outcome, e.detail) for e in asked] == [("job", "ok", None)] * 2
    requested = events("account.password_reset_requested")  # the job's decision
    assert [e.outcome for e in requested] == ["ok", "unknown"]
    assert requested[1].object_id is None and requested[1].detail is None
    for event in db.session.scalars(select(AuditEvent)):
        assert "nobody.here" not in str([event.detail, event.object_id, event.object_type])


def test_known_and_unknown_addresses_take_similar_time(app, make):
    user = make.user(make.org("h2e"), ["vrc"])
    client = app.test_client()

    def timed(email):
        token = csrf_from(client.get(FORGOT))
        started = time.perf_counter()
        response = client.post(FORGOT, data={"csrf_token": token, "email": email})
        assert response.status_code == 303
        return time.perf_counter() - started

    known, unknown = [], []
    for round_ in range(12):
        # Over the hourly limit from the fourth: each hour's requests start afresh.
        clock.advance(timedelta(hours=1))
        known.append(timed(user.email))
        unknown.append(timed(f"someone{round_}@example.test"))
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    # The same hashing and the same kind of work both ways: within a few milliseconds
    # (a database round trip or two), nowhere near the cost of a password hash.
    assert abs(known_median - unknown_median) < 0.02 + 0.5 * min(known_median, unknown_median), (known, unknown)


def test_every_address_enqueues_the_same_job_after_the_same_statements(app, make, monkeypatch):
    """Whether the address has an account, an active one, a set-up one or none at all,
    the request runs the same statements and enqueues the same kind of job with the same
    kind of arguments; only the job, later, decides whether to send a link."""
    org = make.org("h2e")
    active = make.user(org, ["vrc"])
    gone = make.user(org, ["vrc"])
    gone.active = False
    unfinished = make.user(org, ["vrc"])
    unfinished.password_hash = None
    db.session.commit()
    addresses = {
        "active": active.email.upper(),
        "deactivated": gone.email,
        "unfinished": unfinished.email,
        "unknown": "nobody.here@example.test",
        "unknown, longer": "someone.else.entirely@elsewhere.test",
    }
    monkeypatch.setattr(jobs, "drain", lambda session=None: None)  # hold the jobs back: the request alone

    _ask(app.test_client(), "warm.up@example.test")  # the audit chain's first event reads more than later ones
    warm_up = db.session.scalars(select(Job.id)).all()
    seen, enqueued = {}, {}
    for name, email in addresses.items():
        client = app.test_client()
        token = csrf_from(client.get(FORGOT))
        with statements() as sent:
            response = client.post(FORGOT, data={"csrf_token": token, "email": email})
        assert response.status_code == 303 and response.headers["Location"] == "/account/forgot-password/sent"
        seen[name] = sent
        db.session.expire_all()
        [enqueued[name]] = db.session.scalars(
            select(Job).where(Job.id.not_in(warm_up + [j.id for j in enqueued.values()]))
        )

    assert seen["active"], "no statements recorded"
    for name in addresses:
        assert seen[name] == seen["active"], name
        job = enqueued[name]
        assert (job.kind, job.function, job.status) == (
            "account.password_reset",
            "portal.accounts.account:send_password_reset",
            "queued",
        )
        assert [(type(a), len(a)) for a in job.args] == [(str, 64)]  # an HMAC, never the address
        assert not any(email.split("@")[0].lower() in json.dumps(job.args).lower() for email in addresses.values())
    assert outbox("account.password_reset") == [] and events("account.password_reset_requested") == []

    for job in enqueued.values():  # the jobs decide
        jobs.execute(job.id)
    db.session.expire_all()
    assert [m.email_address for m in outbox("account.password_reset")] == [active.email]
    assert sorted(e.outcome for e in events("account.password_reset_requested")) == [
        "not_eligible",
        "not_eligible",
        "ok",
        "unknown",
        "unknown",
    ]
    assert {db.session.get(Job, j.id).status for j in enqueued.values()} == {"done"}


def test_link_expires_after_one_hour(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    _ask(client, user.email)
    link = reset_link(user.email)
    clock.advance(timedelta(minutes=59))
    assert client.get(link).status_code == 200
    clock.advance(timedelta(minutes=1))
    assert client.get(link).status_code == 404
    page = client.get(FORGOT)  # a valid CSRF token for the expired-link POST
    response = client.post(
        link, data={"csrf_token": csrf_from(page), "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_a_newer_link_replaces_the_older_and_a_password_change_revokes_both(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    _ask(client, user.email)
    first = reset_link(user.email)
    _ask(client, user.email)
    second = reset_link(user.email)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    sign_in(client, user)
    post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert client.get(second).status_code == 404


def test_at_most_three_emails_an_hour(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    for _ in range(5):
        assert _ask(client, user.email).headers["Location"] == "/account/forgot-password/sent"
    assert len(outbox("account.password_reset")) == 3
    assert [e.outcome for e in events("account.password_reset_requested")][-2:] == ["throttled", "throttled"]
    clock.advance(timedelta(hours=1, seconds=1))
    _ask(client, user.email)
    assert len(outbox("account.password_reset")) == 4


def test_deactivated_and_unfinished_accounts_get_no_link(client, make):
    org = make.org("h2e")
    gone = make.user(org, ["vrc"])
    gone.active = False
    unfinished = make.user(org, ["vrc"])
    unfinished.password_hash = None
    db.session.commit()
    for user in (gone, unfinished):
        assert _ask(client, user.email).headers["Location"] == "/account/forgot-password/sent"
    assert outbox("account.password_reset") == []
    assert [e.outcome for e in events("account.password_reset_requested")] == ["not_eligible", "not_eligible"]


def test_a_link_for_an_account_deactivated_since_does_not_work(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    _ask(client, user.email)
    link = reset_link(user.email)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get(link).status_code == 404


def test_reset_does_not_lift_a_lockout(app, client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    clock.freeze(clock.now())
    for _ in range(app.config["LOCKOUT_ACCOUNT_FAILURES"]):
        _sign_in_step(client, user.email, "a wrong password")
    assert "temporarily locked" in _sign_in_step(client, user.email, PASSWORD).get_data(as_text=True)

    _ask(client, user.email)
    response = _reset(client, reset_link(user.email))
    body = response.get_data(as_text=True)
    assert "Your password has been reset" in body and "does not lift the lock" in body
    # Still locked, even with the new password.
    response = _sign_in_step(client, user.email, NEW_PASSWORD)
    assert response.status_code == 200 and "temporarily locked" in response.get_data(as_text=True)
    # Once the lock ends, the new password (and a code) sign in.
    clock.advance(app.config["LOCKOUT_ACCOUNT_DURATION"])
    assert _sign_in_step(client, user.email, NEW_PASSWORD).status_code == 302
    page = client.get("/login/code")
    response = client.post("/login/code", data={"csrf_token": csrf_from(page), "code": next_code(user)})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_errors_are_summarised_and_input_kept(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    response = _ask(client, "not an email address")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Enter an email address in the correct format" in body
    assert 'value="not an email address"' in body
    assert "Enter your email address" in _ask(client, "").get_data(as_text=True)

    _ask(client, user.email)
    link = reset_link(user.email)
    for new, confirm, message in (
        ("short", None, "12 characters or more"),
        (NEW_PASSWORD, "different", "The passwords do not match"),
        (user.email, None, "Choose a stronger password"),
    ):
        response = _reset(client, link, new, confirm)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "govuk-error-summary" in body and message in body
    assert client.get(link).status_code == 200  # errors do not use the link up
    long_and_weak = _reset(client, link, "a" * 100)  # longer than zxcvbn takes: judged, no 500
    assert long_and_weak.status_code == 200 and "Choose a stronger password" in long_and_weak.get_data(as_text=True)


def test_forms_need_their_csrf_token(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    assert client.post(FORGOT, data={"email": user.email}).status_code == 400
    assert outbox("account.password_reset") == []
    _ask(client, user.email)
    link = reset_link(user.email)
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 400
    assert client.get(link).status_code == 200


def test_sign_in_page_links_to_the_forgotten_password_page(client):
    assert 'href="/account/forgot-password"' in client.get("/login").get_data(as_text=True)
