"""Destroyers per kind of record (DESIGN.md rule 7), used by the retention service
once the DPO has approved an item of a destruction list.

A participant's whole record goes through the one erasure service
(``portal.rights.erasure.erase_participant``). The other kinds are destroyed here:
the row, the rows that depend on it (found from the schema's foreign keys: a
nullable reference is cleared, a required one is destroyed with it) and their private
files (consent evidence, disclosure copies, exported packages). Each destruction
leaves a ``Tombstone`` naming the kind and id, never what the record said.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy import delete, select, update

from portal import audit, clock, data_map, private_files
from portal.extensions import db
from portal.governance import legal_holds
from portal.models.erasure import Tombstone
from portal.stale import expire_rows

if TYPE_CHECKING:
    from portal.models import User
    from portal.models.erasure import Tombstone

FILE_COLUMNS = ("storage_key", "copy_key", "file_key", "pdf_key", "draft_key", "released_key")

# rule key -> (table, what the tombstone says)
KINDS = {
    "appointments": ("appointment", "Appointment"),
    "consents": ("consent", "Consent record with its evidence and withdrawal"),
    "disclosures": ("disclosure", "Disclosure record"),
    "rights_requests": ("rights_request", "Rights request"),
    "reports": (None, "Generated report or package"),
}


class DestructionRefused(RuntimeError):
    pass


@dataclass
class Destroyed:
    tombstone_id: int | None
    rows: int
    files: list[str]


def _table(name: str) -> sa.Table | None:
    return db.metadata.tables.get(name)


def _dependants(table: sa.Table) -> list[tuple[sa.Table, sa.Column[Any]]]:
    """(table, column) pairs with a foreign key to ``table``'s id."""
    found = []
    for other in db.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.column.name == "id":
                found.append((other, fk.parent))
    return found


def _destroy_rows(table: sa.Table, where: sa.ColumnElement[bool], files: list[str], fields: set[str]) -> int:
    """Delete the rows of ``table`` matching ``where`` and, first, what depends on them."""
    ids = list(db.session.execute(select(table.c.id).where(where)).scalars())
    if not ids:
        return 0
    for name in FILE_COLUMNS:
        if name in table.c:
            files.extend(k for k in db.session.execute(select(table.c[name]).where(table.c.id.in_(ids))).scalars() if k)
    fields.update(c.name for c in table.c if c.name not in ("id",))
    count = 0
    for other, column in _dependants(table):
        if other is table or column.nullable:
            db.session.execute(update(other).where(column.in_(ids)).values({column.name: None}))
            expire_rows(other, columns=[column])  # Core statements leave the session's copies stale
        else:
            count += _destroy_rows(other, column.in_(ids), files, fields)
    count += cast(sa.CursorResult[Any], db.session.execute(delete(table).where(table.c.id.in_(ids)))).rowcount
    expire_rows(table, ids)
    return count


def tombstone(
    *,
    object_type: str,
    object_id: int | str,
    what: str,
    fields: Iterable[str],
    confirmed_by: "User | int",
    basis: str = "retention",
    rule: str | None = None,
    rights_request_id: int | None = None,
) -> "Tombstone":
    """Leave a Tombstone (portal.models.erasure, the access/erasure area's model)."""

    values = dict(
        object_type=object_type,
        object_id=str(object_id),
        what=what,
        fields=sorted(fields),
        erased_at=clock.now(),
        basis=basis,
        rule=rule,
        rights_request_id=rights_request_id,
    )
    user_id = getattr(confirmed_by, "id", confirmed_by)
    if hasattr(Tombstone, "confirmed_by_id"):
        values["confirmed_by_id"] = user_id
    else:
        values["confirmed_by"] = user_id
    stone = Tombstone(**values)
    db.session.add(stone)
    db.session.flush()
    return stone


def _report_table(object_type: str) -> sa.Table | None:
    """A table of the "reports" rule (the participant-data registry's, portal.data_map)."""
    return _table(object_type) if object_type in {h.table for h in data_map.listed_by("reports")} else None


def destroy(
    kind: str,
    object_type: str,
    object_id: int | str,
    *,
    participant_id: int | None,
    confirmed_by: "User | int",
    rule: str,
) -> Destroyed:
    """Destroy one record of ``kind`` (not a participant record: see erasure) and leave
    a tombstone. Refuses while a legal hold stands on the participant. The caller
    commits, then removes ``files`` (``remove_files``)."""
    if participant_id is not None and legal_holds.active_hold(participant_id):
        raise DestructionRefused("a legal hold stands")
    if kind not in KINDS:
        raise DestructionRefused(f"no destroyer for {kind}")
    table_name, what = KINDS[kind]
    table = _report_table(object_type) if kind == "reports" else _table(cast(str, table_name))  # named but for reports
    if table is None:
        raise DestructionRefused(f"unknown record type {object_type}")
    files: list[str] = []
    fields: set[str] = set()
    rows = _destroy_rows(table, table.c.id == int(object_id), files, fields)
    if rows == 0:
        raise DestructionRefused("the record no longer exists")
    stone = tombstone(
        object_type=table.name, object_id=object_id, what=what, fields=fields, confirmed_by=confirmed_by, rule=rule
    )
    audit.record(
        "retention.destroy",
        object_type=table.name,
        object_id=str(object_id),
        participant_id=participant_id,
        user_id=confirmed_by if isinstance(confirmed_by, int) else confirmed_by.id,
        detail={"rule": rule, "rows": rows, "files": len(files), "tombstone_id": stone.id},
    )
    return Destroyed(stone.id, rows, files)


def remove_files(keys: Iterable[str]) -> None:
    for key in keys:
        try:
            private_files.delete(key)
        except (OSError, ValueError):
            pass
