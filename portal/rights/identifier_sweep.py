"""The identifier sweep of an erasure: every text and JSON column of every table (but those
the registry exempts) is searched for what identifies the participant (name, references,
contact details) and each match replaced with ERASED, so a mention in free text goes with
the record."""

from __future__ import annotations

import json
import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy import select

from portal import data_map
from portal.extensions import db
from portal.models import Participant
from portal.models.rights import RightsRequest
from portal.stale import expire_rows

ERASED = "[erased]"
ERASED_DOB = date(1900, 1, 1)

# Tables the identifier sweep leaves alone: the audit trail holds ids only (rule 10);
# staff and organisations are not the participant (a colleague sharing a first name
# keeps it).
SWEEP_EXEMPT_TABLES = data_map.unswept_tables() | {"alembic_version"}
# The erasure request's own record keeps the requester's name and contact.
REQUEST_EXEMPT_COLUMNS = data_map.holding(RightsRequest.__tablename__).erasure.kept


def identifiers(participant: Participant) -> list[str]:
    """Every form in which the participant's identity may have been written down."""
    terms = set()
    for part in re.split(r"[\s\-']+", f"{participant.first_name} {participant.last_name}"):
        if len(part) >= 2:
            terms.add(part)
    terms.add(participant.name)
    ni = (participant.ni_number or "").upper()
    if ni:
        terms |= {ni, participant.ni_number_display}
    dob = participant.date_of_birth
    if dob and dob != ERASED_DOB:
        terms |= {dob.isoformat(), f"{dob:%d/%m/%Y}", f"{dob.day} {dob:%B %Y}", f"{dob:%d %B %Y}"}
    if participant.email:
        terms.add(participant.email)
    if participant.phone:
        terms.add(participant.phone)
        digits = re.sub(r"\s+", "", participant.phone)
        terms.add(digits)
    if participant.postcode:
        terms.add(participant.postcode)
    if participant.address_line_1:
        terms.add(participant.address_line_1)
    return sorted((t for t in terms if t and t.strip()), key=len, reverse=True)


def _pattern(terms: list[str]) -> re.Pattern[str]:
    # Names and codes are matched as whole words; e-mail addresses and dates as they are.
    parts = [rf"(?<![\w]){re.escape(t)}(?![\w])" for t in terms]
    return re.compile("|".join(parts), re.IGNORECASE)


def _scrub_value(value: object, pattern: re.Pattern[str]) -> object:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_scrub_value(k, pattern): _scrub_value(v, pattern) for k, v in value.items()}
    return value


def sweep_identifiers(terms: list[str], keep_request_id: int | None) -> list[str]:
    """Replace every occurrence of ``terms`` in every text and JSON column of the schema
    (but the exempt tables and the erasure request's requester columns). Returns the
    ``table.column`` names changed."""
    pattern = _pattern(terms)
    changed = []
    for table in db.metadata.sorted_tables:
        if table.name in SWEEP_EXEMPT_TABLES:
            continue
        pks = list(table.primary_key.columns)
        if len(pks) != 1:
            continue
        pk = pks[0]
        for column in table.columns:
            is_json = isinstance(column.type, sa.JSON)
            if not (is_json or isinstance(column.type, (sa.String, sa.Text))) or column.primary_key:
                continue
            text = sa.cast(column, sa.Text) if is_json else column
            condition = sa.or_(*[sa.func.lower(text).like(f"%{t.lower()}%") for t in terms])
            query = select(pk, column).where(condition)
            exempt_request = table.name == RightsRequest.__tablename__ and column.name in REQUEST_EXEMPT_COLUMNS
            if exempt_request and keep_request_id is not None:
                query = query.where(pk != keep_request_id)
            for row_id, value in db.session.execute(query).all():
                if is_json and isinstance(value, str):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        pass
                new = _scrub_value(value, pattern)
                if new != value:
                    db.session.execute(sa.update(table).where(pk == row_id).values({column.name: new}))
                    expire_rows(table, [row_id], [column])  # a Core UPDATE leaves the session's copy stale
                    changed.append(f"{table.name}.{column.name}")
    return sorted(set(changed))


# ----------------------------------------------------------------------- erasure
