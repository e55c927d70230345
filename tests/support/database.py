"""Each test's database: a transaction rolled back at its end, or real commits.

Most tests run inside one outer transaction on one connection, and every session the
app opens during the test joins it through a SAVEPOINT
(``join_transaction_mode="create_savepoint"``): a service's ``commit()`` releases its
savepoint, its ``rollback()`` goes back to it, and the outer ``ROLLBACK`` at the end
leaves the database as it found it. No table is emptied between tests.

Tests that need commits other connections can see (an rq worker in a subprocess, the
live server behind Chromium, a second connection's lock or trigger) are marked
``committed``: they commit for real and every table holding rows is emptied after them.
"""

from contextlib import contextmanager

import flask_sqlalchemy.session
from flask import has_app_context
from sqlalchemy import create_engine, event, text

from portal.extensions import db

_owner_engines: dict = {}


def owner_engine(app):
    """One engine for the whole run as the database owner (the app role may not delete
    audit rows): for clean-up and for tests of what only the owner may do."""
    url = app.config.get("DATABASE_OWNER_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _owner_engines:
        _owner_engines[url] = create_engine(url)
    return _owner_engines[url]


def empty_tables(app) -> None:
    """Empty every table (as the owner). On PostgreSQL only the tables holding rows are
    truncated: TRUNCATE costs the same for an empty table as for a full one."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    engine = owner_engine(app)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
            used = conn.execute(text(probe)).scalars().all()
            if used:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in used) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    if engine.dialect.name != "postgresql":
        engine.dispose()


def _bound_get_bind(original):
    """Flask-SQLAlchemy's Session.get_bind picks the app's engine even when the session
    was made with ``bind=``; inside a rolled-back test the bind is the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None and getattr(self, "_portal_test_bind", False):
            return self.bind
        return original(self, mapper=mapper, clause=clause, bind=bind, **kwargs)

    return get_bind


flask_sqlalchemy.session.Session.get_bind = _bound_get_bind(flask_sqlalchemy.session.Session.get_bind)


_open: list = []  # the connection of the rolled-back block we are in, if any


def _end_session() -> None:
    """End the current app context's session, so that no savepoint of it outlives the
    block (releasing an earlier savepoint would release the block's too)."""
    if has_app_context():
        db.session.remove()


@contextmanager
def rolled_back(app):
    """Run the body inside one transaction that is rolled back at the end; every session
    opened meanwhile joins it through a savepoint. Nested (a module's world, then each
    test, then each example of a state machine), the inner block is a savepoint of the
    outer one."""
    _end_session()
    if _open:
        connection = _open[-1]
        savepoint = connection.begin_nested()
        try:
            yield connection
        finally:
            _end_session()
            if savepoint.is_active:
                savepoint.rollback()
        return
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself, only before writes, and so breaks
        # SAVEPOINT: on this connection SQLAlchemy emits BEGIN instead (SQLAlchemy's
        # documented recipe). The connection is thrown away afterwards.
        connection.connection.driver_connection.isolation_level = None
        event.listen(connection, "begin", _emit_begin)
    outer = connection.begin()
    factory = db.session.session_factory
    previous = dict(factory.kw)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    factory.class_._portal_test_bind = True
    _open.append(connection)
    try:
        yield connection
    finally:
        _open.pop()
        _end_session()
        with app.app_context():
            db.session.remove()
        factory.class_._portal_test_bind = False
        factory.kw.clear()
        factory.kw.update(previous)
        if outer.is_active:
            outer.rollback()
        if sqlite:
            connection.invalidate()  # never hand the altered DBAPI connection back to the pool
        connection.close()


def _emit_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN")


def detach_loaded(session) -> None:
    """Load every attribute of every object in ``session`` and detach them all, so that a
    world built once can be read from tests that run in sessions of their own."""
    for obj in list(session.identity_map.values()):
        session.refresh(obj)
    session.expunge_all()


@contextmanager
def committed(app):
    """Real commits; every table emptied afterwards."""
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        empty_tables(app)
