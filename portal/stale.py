"""Telling the session which loaded objects a Core UPDATE or DELETE changed.

A commit no longer expires what the session holds (portal/extensions.py), and a
statement on a ``Table`` does not touch the ORM's copies: the service that sends one
expires the copies it made stale, right after it.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from portal.extensions import db


def expire_rows(
    table: sa.Table, ids: Iterable[int] | None = None, columns: Sequence[sa.Column[Any]] | None = None
) -> None:
    """Expire the loaded objects of ``table`` (those whose id is in ``ids``, or all):
    only the attributes of ``columns`` and the relationships built on them, or, when the
    rows were deleted, whole, with every loaded relationship leading to ``table``."""
    wanted = None if ids is None else set(ids)
    if columns is None:
        expire_relationships_to(table)
    for obj in list(db.session.identity_map.values()):
        state = sa.inspect(obj)
        mapper = state.mapper
        if table not in mapper.tables or (wanted is not None and state.identity[0] not in wanted):
            continue
        if columns is None:
            db.session.expire(obj)
            continue
        keys = [mapper.get_property_by_column(c).key for c in columns]
        keys += [r.key for r in mapper.relationships if set(r.local_columns) & set(columns)]
        db.session.expire(obj, keys)


def expire_relationships_to(table: sa.Table) -> None:
    """Expire every loaded relationship leading to ``table``, whose rows were deleted."""
    for obj in list(db.session.identity_map.values()):
        leading = [r.key for r in sa.inspect(obj).mapper.relationships if r.mapper.local_table is table]
        if leading:
            db.session.expire(obj, leading)
