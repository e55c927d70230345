"""On PostgreSQL the app's role cannot rewrite audit history (DESIGN.md rule 10).

The app connects as a non-superuser role (DATABASE_URL); migrations ran as the
owner (DATABASE_OWNER_URL). UPDATE, DELETE and TRUNCATE are revoked from the app
role on both append-only tables, and a trigger refuses UPDATE and DELETE to anyone,
the owner included, except the governance expiry path (the owner, with
portal.audit_expiry on, removing events at or below a verified checkpoint).
"""

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from portal import audit, clock
from portal.extensions import db
from portal.models import AuditEvent, AuditVerification
from tests.support.database import owner_engine as _owner_engine

pytestmark = [pytest.mark.postgres, pytest.mark.committed]  # other connections: threads, the owner

REWRITES = {
    "audit_event": ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"),
    "audit_verification": ("UPDATE audit_verification SET ok = false", "DELETE FROM audit_verification"),
}


@pytest.fixture
def history(app_ctx):
    for n in range(3):
        audit.record_and_commit("test.event", object_type="thing", object_id=n)
    assert audit.verify_and_log().ok
    db.session.remove()


def _refused(engine, statement: str) -> str:
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as refused:
            conn.execute(text(statement))
        conn.rollback()
    return str(refused.value.orig)


def test_the_app_role_is_not_the_owner_nor_a_superuser(app, app_ctx):
    with db.engine.connect() as conn:
        user, superuser = conn.execute(
            text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        ).one()
    assert superuser is False
    assert user != make_url(app.config["DATABASE_OWNER_URL"]).username


@pytest.mark.parametrize("table", sorted(REWRITES))
def test_the_app_role_is_refused_update_delete_and_truncate(app, history, table):
    for statement in (*REWRITES[table], f"TRUNCATE {table}"):
        message = _refused(db.engine, statement)
        assert "permission denied" in message, statement
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == 3
    assert db.session.scalar(select(db.func.count()).select_from(AuditVerification)) == 1


@pytest.mark.parametrize("table", sorted(REWRITES))
def test_the_trigger_refuses_even_the_owner(app, history, table):
    engine = _owner_engine(app)
    try:
        for statement in REWRITES[table]:
            message = _refused(engine, statement)
            assert "append-only" in message, statement
    finally:
        engine.dispose()


def test_the_trigger_holds_if_the_app_role_is_ever_granted_too_much(app, history):
    """Defence in depth: a mistaken GRANT still meets the trigger."""
    app_role = '"' + make_url(app.config["SQLALCHEMY_DATABASE_URI"]).username + '"'
    engine = _owner_engine(app)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"GRANT UPDATE, DELETE ON audit_event TO {app_role}"))
        for statement in REWRITES["audit_event"]:
            assert "append-only" in _refused(db.engine, statement)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"REVOKE UPDATE, DELETE ON audit_event FROM {app_role}"))
        engine.dispose()


def test_only_the_owner_expiry_path_removes_events_at_or_below_a_checkpoint(app, app_ctx):
    """The room left for the governance issue's owner function: with the setting on,
    the owner may delete events at or below the newest verified checkpoint, no others;
    the app role may not, setting or not; and the chain still verifies afterwards."""
    for n in range(5):
        audit.record_and_commit("test.event", object_type="thing", object_id=n)
    third = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 3)).one()
    db.session.add(
        AuditVerification(
            at=clock.now(),
            kind="checkpoint",
            ok=True,
            checkpoint_seq=3,
            checkpoint_hash=third.hash,
            head_seq=3,
            head_hash=third.hash,
            event_count=3,
            message="checkpoint",
        )
    )
    db.session.commit()
    db.session.remove()

    with db.engine.connect() as conn:  # the app role, setting on: still refused
        conn.execute(text("SELECT set_config('portal.audit_expiry', 'on', true)"))
        with pytest.raises(DBAPIError):
            conn.execute(text("DELETE FROM audit_event WHERE seq <= 3"))
        conn.rollback()

    engine = _owner_engine(app)
    try:
        with engine.connect() as conn:  # the owner, setting on, above the checkpoint: refused
            conn.execute(text("SELECT set_config('portal.audit_expiry', 'on', true)"))
            with pytest.raises(DBAPIError) as refused:
                conn.execute(text("DELETE FROM audit_event WHERE seq <= 4"))
            assert "append-only" in str(refused.value.orig)
            conn.rollback()
        with engine.begin() as conn:  # the owner, setting on, at or below: removed
            conn.execute(text("SELECT set_config('portal.audit_expiry', 'on', true)"))
            assert conn.execute(text("DELETE FROM audit_event WHERE seq <= 3")).rowcount == 3
    finally:
        engine.dispose()

    result = audit.verify_chain()
    assert result.ok, result.message
    assert (result.count, result.head_seq) == (2, 5)
    # The setting was local to that transaction: the trigger is back in force.
    engine = _owner_engine(app)
    try:
        assert "append-only" in _refused(engine, "DELETE FROM audit_event")
    finally:
        engine.dispose()


def test_the_owner_may_still_truncate_for_the_test_suites_clean_up(app, history):
    engine = _owner_engine(app)
    try:
        with engine.connect() as conn:
            conn.execute(text("TRUNCATE audit_event, audit_verification"))
            conn.rollback()
    finally:
        engine.dispose()
