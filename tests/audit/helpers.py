"""Shared helpers for the audit tests: owner-level tampering, the CLI, PII scans."""

import json

from sqlalchemy import select, text

from portal.extensions import db
from portal.models import AuditEvent
from tests.support.database import owner_engine as _owner_engine

APPEND_ONLY_TABLES = ("audit_event", "audit_verification")


def tamper(app, sql: str, **params) -> None:
    """Run ``sql`` as the tables' owner, past the append-only trigger, as an attacker
    with the owner's password could. On PostgreSQL a non-superuser owner may disable
    its own table's triggers inside a transaction (session_replication_role needs a
    superuser); on SQLite there is no trigger. The owner's is another connection: a test
    that tampers is marked ``committed``, so its rows are there to tamper with."""
    db.session.remove()  # no open transaction of the app may hold a lock on the table
    engine = _owner_engine(app)
    try:
        with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                for table in APPEND_ONLY_TABLES:
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
            conn.execute(text(sql), params)
            if postgres:
                for table in APPEND_ONLY_TABLES:
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
    finally:
        engine.dispose()


def run_audit_verify(app):
    """``flask audit-verify`` through Click's runner; returns the result."""
    return app.test_cli_runner().invoke(args=["audit-verify"])


def audit_text() -> str:
    """Every value of every audit column, as one string to search for personal data."""
    parts = []
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        for column in AuditEvent.__table__.columns:
            value = getattr(event, column.key)
            parts.append(json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value))
    return "\n".join(parts).lower()


def events(action: str | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt))
