"""Counting the SQL a page or a service sends, for the tests that query counts stay flat.

Savepoint bookkeeping is left out: a test's transaction is rolled back at its end
(tests/support/database.py), so every commit inside it is a savepoint the app itself
never sends.
"""

import re
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

_SAVEPOINT = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)


@contextmanager
def statements():
    """The SQL statements sent meanwhile, on any engine (their text, not their values)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        text = " ".join(statement.split())
        if not _SAVEPOINT.match(text):
            seen.append(text)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)
