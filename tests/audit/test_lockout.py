"""Account lockout (the clock is frozen; every number comes from the settings).

10 failures (wrong password or wrong code) for one account within 5 minutes lock it
for 15 minutes, from whatever addresses; unknown emails are answered the same way;
100 failures from one address within an hour block it for an hour; only failures
count; the lock is audited.
"""

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from portal import clock
from portal.accounts import auth, lockout
from portal.extensions import db
from portal.models import SignInFailure, SignInLock
from tests.audit.helpers import audit_text, events
from tests.factories import PASSWORD, next_code, sign_in
from tests.support.web import csrf_from

# 1 July 2026 12:00 UTC is 13:00 in London (BST): the message must show London time.
NOON_UTC = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
LOCKED = "This account is temporarily locked"
BLOCKED = "Sign-in from your network is temporarily blocked"
NOT_RIGHT = "The email address, password or security code is not right"
# Cheap argon2 parameters for accounts a test signs in many times (the hash carries them).
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOON_UTC)


def _cheap(user):
    user.password_hash = _CHEAP_HASH
    db.session.commit()
    return user


def attempt(client, email, password, address="127.0.0.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/login",
        environ_base={"REMOTE_ADDR": address},
        data={"csrf_token": csrf_from(page), "email": email, "password": password},
    )


def code_attempt(client, code, address="127.0.0.1"):
    page = client.get("/login/code", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/login/code", environ_base={"REMOTE_ADDR": address}, data={"csrf_token": csrf_from(page), "code": code}
    )


def _body(response) -> str:
    return response.get_data(as_text=True)


def test_ten_wrong_passwords_lock_the_account_for_fifteen_minutes(client, make):
    user = _cheap(make.user(make.org("h2e")))
    for _ in range(9):
        assert NOT_RIGHT in _body(attempt(client, user.email, "wrong-password"))
    tenth = _body(attempt(client, user.email, "wrong-password"))
    assert LOCKED in tenth
    assert "Try again after 13:15 on 1 July 2026" in tenth
    assert "govuk-error-summary" in tenth
    # The right password changes nothing while the lock lasts.
    clock.advance(timedelta(minutes=14, seconds=59))
    assert LOCKED in _body(attempt(client, user.email, PASSWORD))
    clock.advance(timedelta(seconds=1))
    assert attempt(client, user.email, PASSWORD).headers["Location"].endswith("/login/code")


def test_the_lock_holds_across_addresses(app, make):
    user = _cheap(make.user(make.org("h2e")))
    for n in range(10):
        response = attempt(app.test_client(), user.email, "wrong-password", address=f"10.0.{n}.1")
    assert LOCKED in _body(response)
    assert LOCKED in _body(attempt(app.test_client(), user.email, PASSWORD, address="192.0.2.7"))
    # Another account from the same addresses is not affected.
    other = _cheap(make.user(make.org("h2e")))
    assert attempt(app.test_client(), other.email, PASSWORD, address="10.0.9.1").status_code == 302


def test_only_failures_within_five_minutes_count(client, make):
    user = _cheap(make.user(make.org("h2e")))
    for _ in range(9):
        attempt(client, user.email, "wrong-password")
    clock.advance(timedelta(minutes=5, seconds=1))
    for _ in range(9):  # the first nine are out of the window now
        assert NOT_RIGHT in _body(attempt(client, user.email, "wrong-password"))
    assert LOCKED in _body(attempt(client, user.email, "wrong-password"))


def test_wrong_codes_count_and_lock_at_the_code_step(client, make):
    user = _cheap(make.user(make.org("h2e")))
    for _ in range(5):
        attempt(client, user.email, "wrong-password")
    assert attempt(client, user.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert NOT_RIGHT in _body(code_attempt(client, "000000"))
    locked = _body(code_attempt(client, "000000"))
    assert LOCKED in locked and "Try again after 13:15 on 1 July 2026" in locked
    # Even the right code is refused now, and so is the password step.
    assert LOCKED in _body(code_attempt(client, next_code(user)))
    assert LOCKED in _body(attempt(app_client(client), user.email, PASSWORD))
    clock.advance(timedelta(minutes=15))
    assert code_attempt(client, next_code(user)).status_code == 302
    assert client.get("/h2e/").status_code == 200


def app_client(client):
    return client.application.test_client()


def test_unknown_emails_are_answered_the_same_way(client, app_ctx):
    email = "No.Such.Person@Example.test"
    for _ in range(9):
        assert NOT_RIGHT in _body(attempt(client, email, "wrong-password"))
    response = _body(attempt(client, email, "wrong-password"))
    assert LOCKED in response and "Try again after 13:15 on 1 July 2026" in response
    # Counted under an HMAC of the normalised email; the email itself is kept nowhere.
    key = lockout.account_key(auth.normalise_email(email))
    assert (
        db.session.scalar(select(func.count()).select_from(SignInFailure).where(SignInFailure.account_key == key)) == 10
    )
    assert db.session.scalars(select(SignInLock.key)).all() == [key]
    for failure in db.session.scalars(select(SignInFailure)):
        assert "example" not in f"{failure.account_key} {failure.address}".lower()
    assert "no.such.person" not in audit_text() and key not in audit_text()
    # Case and spaces do not make a new account.
    assert LOCKED in _body(attempt(client, "  no.such.person@EXAMPLE.test ", "x-password"))


def test_the_key_depends_on_the_secret_key(app, app_ctx, monkeypatch):
    key = lockout.account_key("someone@example.test")
    assert len(key) == 64 and "someone" not in key
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret")
    assert lockout.account_key("someone@example.test") != key


def test_the_lock_is_audited_once_and_refusals_are_audited_but_do_not_extend_it(client, make):
    user = _cheap(make.user(make.org("h2e"), name="Alex Locked"))
    for _ in range(10):
        attempt(client, user.email, "wrong-password")
    [locked] = events("signin.locked")
    assert (locked.object_type, locked.object_id, locked.outcome) == ("user", str(user.id), "locked")
    assert locked.detail == {"scope": "account", "failures": 10, "until": "2026-07-01T12:15:00Z"}
    for _ in range(20):
        clock.advance(timedelta(seconds=40))
        assert LOCKED in _body(attempt(client, user.email, "wrong-password"))
    refused = events("signin.refused_locked")
    assert len(refused) == 20 and {e.object_id for e in refused} == {str(user.id)}
    assert len(events("signin.locked")) == 1
    assert len(events("signin.password_failed")) == 10
    clock.advance(timedelta(minutes=2))  # past 13:15, when the lock ended
    assert attempt(client, user.email, PASSWORD).status_code == 302
    assert user.email.lower() not in audit_text() and "alex locked" not in audit_text()


def test_a_new_lock_needs_ten_new_failures_after_the_last_one_ended(client, make):
    user = _cheap(make.user(make.org("h2e")))
    for _ in range(10):
        attempt(client, user.email, "wrong-password")
    clock.advance(timedelta(minutes=15))
    for _ in range(9):
        assert NOT_RIGHT in _body(attempt(client, user.email, "wrong-password"))
    assert LOCKED in _body(attempt(client, user.email, "wrong-password"))
    assert len(events("signin.locked")) == 2


def test_the_message_shows_london_time_rounded_up_to_the_minute(app_ctx):
    winter = datetime(2026, 1, 15, 9, 30, 20, tzinfo=UTC)
    assert lockout.try_again_after(winter) == "09:31 on 15 January 2026"
    summer = datetime(2026, 7, 1, 12, 15, tzinfo=UTC)
    assert lockout.try_again_after(summer) == "13:15 on 1 July 2026"


def test_the_numbers_are_settings(client, app, make, monkeypatch):
    monkeypatch.setitem(app.config, "LOCKOUT_ACCOUNT_FAILURES", 3)
    monkeypatch.setitem(app.config, "LOCKOUT_ACCOUNT_DURATION", timedelta(minutes=2))
    user = _cheap(make.user(make.org("h2e")))
    attempt(client, user.email, "wrong-password")
    attempt(client, user.email, "wrong-password")
    response = _body(attempt(client, user.email, "wrong-password"))
    assert LOCKED in response and "Try again after 13:02 on 1 July 2026" in response
    clock.advance(timedelta(minutes=2))
    assert attempt(client, user.email, PASSWORD).status_code == 302


def _failures_from(address: str, count: int) -> None:
    """``count`` failed attempts from ``address``, each for a different unknown email,
    through the service the sign-in pages use (without HTTP, for speed)."""
    for n in range(count):
        key = lockout.account_key(f"guess{n}@example.test")
        lockout.record_failure(key, address)
    db.session.commit()


def test_a_hundred_failures_from_one_address_block_it_for_an_hour(app, make):
    user = _cheap(make.user(make.org("h2e")))
    _failures_from("203.0.113.9", 99)
    assert events("signin.locked") == []
    response = _body(attempt(app.test_client(), "guess-100@example.test", "x-password", address="203.0.113.9"))
    assert BLOCKED in response and "Try again after 14:00 on 1 July 2026" in response
    [blocked] = events("signin.locked")
    assert blocked.detail["scope"] == "address" and blocked.source_address == "203.0.113.9"
    assert blocked.object_id is None
    # Even the right password from that address is refused; from another it works.
    assert BLOCKED in _body(attempt(app.test_client(), user.email, PASSWORD, address="203.0.113.9"))
    assert attempt(app.test_client(), user.email, PASSWORD, address="203.0.113.10").status_code == 302
    clock.advance(timedelta(hours=1))
    assert attempt(app.test_client(), user.email, PASSWORD, address="203.0.113.9").status_code == 302


def test_address_failures_older_than_an_hour_do_not_count(app, app_ctx):
    _failures_from("203.0.113.9", 99)
    clock.advance(timedelta(hours=1, seconds=1))
    response = _body(attempt(app.test_client(), "guess-100@example.test", "x-password", address="203.0.113.9"))
    assert NOT_RIGHT in response
    assert events("signin.locked") == []


def test_a_hundred_successful_sign_ins_from_one_address_block_nothing(app, make):
    org = make.org("h2e")
    _failures_from("127.0.0.1", 98)
    for _ in range(100):
        sign_in(app.test_client(), _cheap(make.user(org)))
    assert db.session.scalar(select(func.count()).select_from(SignInLock)) == 0
    assert len(events("signin.success")) == 100
    # Only failures count: the 99th failure from 127.0.0.1 still answers "not right"...
    assert NOT_RIGHT in _body(attempt(app.test_client(), "nobody@example.test", "x-password"))
    # ...and the 100th blocks it.
    assert BLOCKED in _body(attempt(app.test_client(), "nobody2@example.test", "x-password"))
