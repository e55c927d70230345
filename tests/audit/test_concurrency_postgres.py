"""Concurrent writers never fork the chain (PostgreSQL: the advisory lock).

Several threads, each with its own app context, session and PostgreSQL connection
(as several gunicorn or rq workers would have), append events at once; afterwards
audit-verify passes and the sequence has no gaps.
"""

import threading

import pytest
from sqlalchemy import select, text

from portal import audit
from portal.extensions import db
from portal.models import AuditEvent
from tests.audit.helpers import run_audit_verify

pytestmark = [pytest.mark.postgres, pytest.mark.committed]  # other connections: threads, the owner

WRITERS = 6
EVENTS_EACH = 25


def test_concurrent_writers_keep_one_whole_chain(app):
    holding = threading.Barrier(WRITERS, timeout=30)
    backends: list[int] = []
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                # Every writer holds its own connection before any of them writes.
                backends.append(db.session.execute(text("SELECT pg_backend_pid()")).scalar())
                holding.wait()
                for n in range(EVENTS_EACH):
                    audit.record("test.concurrent", object_type="writer", object_id=number, detail={"n": n})
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            holding.abort()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(set(backends)) == WRITERS >= 4

    with app.app_context():
        seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(1, WRITERS * EVENTS_EACH + 1))
        writers_in_order = db.session.scalars(select(AuditEvent.object_id).order_by(AuditEvent.seq)).all()
        assert len(set(writers_in_order)) == WRITERS
        result = run_audit_verify(app)
        assert result.exit_code == 0, result.output
        assert f"events verified: {WRITERS * EVENTS_EACH}" in result.output
        db.session.remove()
