"""What a participant's record holds, section by section: the content of an access
package (UK GDPR Art. 15) and of the DPO's full read of the record (/dpo/).

Every query is filtered by the participant's id (and organisation), so nothing of
another participant can reach a package. A section is a title, its columns, its
rows (plain JSON values) and which columns are *passages*: free text the DPO reviews
before release and may redact where it is about someone else. Which sections there
are, what each shows and how its rows are found is the participant-data registry's
(``portal.data_map``): a table added there appears here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select

from portal import audit, data_map
from portal.extensions import db
from portal.governance import audit_search
from portal.models import Participant, User
from portal.models.rights import RightsRequest

# Sections whose rows come from a reader of their own (data_map.Provider).
PROVIDERS: dict[str, Callable[[int], list[Any]]] = {
    "viewers": lambda participant_id: list(audit_search.viewers_of(participant_id))
}


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def _staff(user_id: int | None, cache: dict[int, str]) -> str:
    if user_id is None:
        return ""
    if user_id not in cache:
        user = db.session.get(User, user_id)
        cache[user_id] = user.name if user else ""
    return cache[user_id]


def _section(
    key: str,
    title: str,
    columns: Iterable[tuple[str, str]],
    rows: Iterable[dict[str, Any]],
    passages: Iterable[str] = (),
) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "columns": [list(c) for c in columns],
        "rows": [{k: _plain(v) for k, v in row.items()} for row in rows],
        "passages": list(passages),
    }


def _all(query: Select[Any]) -> list[Any]:
    return list(db.session.scalars(query))


def audit_full_read(request: RightsRequest, participant: Participant, tab: str, user_id: int) -> None:
    """Record that the DPO's full read showed ``tab`` of ``participant``'s record,
    reached through ``request`` (rule 1), and commit."""
    audit.record(
        "participant.viewed",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        user_id=user_id,
        org_id=participant.org_id,
        detail={"view": f"dpo.record.{tab}", "rights_request_id": request.id},
    )
    db.session.commit()


def _value(row: Any, column: data_map.Col, staff: dict[int, str]) -> Any:
    """A section column's value on ``row``: an attribute path, or a staff member's name."""
    if column.path.startswith("staff:"):
        return _staff(getattr(row, column.path.removeprefix("staff:")), staff)
    value = row
    for part in column.path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _section_rows(found: data_map.Holding, section: data_map.Section, participant: Participant) -> list[Any]:
    if isinstance(section.rows_from, data_map.Provider):
        return PROVIDERS[section.rows_from.name](participant.id)
    return _all(data_map.section_query(found, section, participant.id, participant.org_id))


def collect(participant: Participant, progress: Callable[[int, str], Any] | None = None) -> list[dict[str, Any]]:
    """Every kind of record held about ``participant``, as sections in package order:
    the sections the participant-data registry declares (``portal.data_map``), each
    read by its holding's finder. ``progress(percent, message)`` is told as each
    announced section is reached."""
    staff: dict[int, str] = {}
    declared = data_map.sections()
    sections: list[dict[str, Any]] = []
    for found, section in declared:
        if section.progress and progress:
            progress(int(100 * len(sections) / len(declared)), section.progress)
        rows = _section_rows(found, section, participant)
        sections.append(
            _section(
                section.key,
                section.title,
                [(c.key, c.label) for c in section.columns],
                [{c.key: _value(row, c, staff) for c in section.columns} for row in rows],
                section.passages,
            )
        )
    return sections


def passages(sections: list[dict[str, Any]]) -> Iterator[tuple[str, str, str, str]]:
    """Every reviewable passage: (key, section title, column label, text), non-empty only.
    The key is ``section/row/column``: stable for one built package."""
    for section in sections:
        labels = dict(section["columns"])
        for index, row in enumerate(section["rows"]):
            for column in section["passages"]:
                text = row.get(column)
                if text:
                    yield f"{section['key']}/{index}/{column}", section["title"], labels[column], text
