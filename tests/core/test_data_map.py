"""The participant-data registry (portal/data_map.py, DESIGN.md rule 12): every table
is in it or on NO_PARTICIPANT_DATA with a reason; every text column of a registered
table is classified; the declarations hang together; and access packages, erasure,
portability and retention do what it says for a participant holding a row in every
registered table."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from blueprints.dpo.rights import RECORD_TABS
from portal import audit, clock, data_map, private_files
from portal.data_map import HOLDINGS, NO_PARTICIPANT_DATA, ByColumn, Erasure, Holding, NoData, Retention, Via
from portal.extensions import db
from portal.models import Participant
from portal.retention import retention
from portal.rights import access_content, erasure, portability
from tests.erasure.rich import ZED, rich_world

# ----------------------------------------------------------------------- the map covers the schema


def test_every_table_is_in_the_registry_or_holds_no_participant_data():
    assert data_map.unmapped(HOLDINGS, NO_PARTICIPANT_DATA, db.metadata) == []


def test_every_text_and_json_column_of_a_registered_table_is_classified():
    assert data_map.unclassified(HOLDINGS, db.metadata) == []


def _fake_metadata() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("participant", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "visit",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("participant_id", sa.ForeignKey("participant.id")),
        sa.Column("notes", sa.Text),
        sa.Column("place", sa.String(50)),
        sa.Column("extra", sa.JSON),
        sa.Column("seen_on", sa.Date),
    )
    sa.Table("colour", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))
    sa.Table(
        "hidden",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("participant_id", sa.ForeignKey("participant.id")),
    )
    return metadata


def test_the_table_check_names_a_table_neither_registered_nor_listed():
    metadata = _fake_metadata()
    subject = Holding("participant", data_map.Subject(), Erasure("anonymise"), Retention("participant_record"))
    problems = data_map.unmapped([subject], {"colour": NoData("Paint"), "hidden": NoData("Ids")}, metadata)
    assert problems == [
        "hidden: has a participant_id but is on NO_PARTICIPANT_DATA",
        "visit: neither in the registry nor on NO_PARTICIPANT_DATA",
    ]
    visit = Holding("visit", ByColumn(), Erasure("delete"), Retention("appointments"))
    problems = data_map.unmapped(
        [subject, visit, Holding("colour", ByColumn(), Erasure("delete"), Retention(None))],
        {"colour": NoData(" "), "hidden": NoData("")},
        metadata,
    )
    assert problems == [
        "colour: both in the registry and on NO_PARTICIPANT_DATA",
        "hidden: on NO_PARTICIPANT_DATA without a reason",
    ]


def test_the_column_check_names_a_text_column_left_unclassified():
    metadata = _fake_metadata()
    visit = Holding(
        "visit",
        ByColumn(),
        Erasure("redact", fields=("notes",)),
        Retention("appointments"),
        free_text=("notes", "gone"),
        record=("notes",),
    )
    assert data_map.unclassified([visit], metadata) == [
        "visit.extra: not classified",
        "visit.gone: no such column",
        "visit.notes: placed in more than one kind",
        "visit.place: not classified",
    ]
    placed = Holding(
        "visit",
        ByColumn(),
        Erasure("redact", fields=("notes",)),
        Retention("appointments"),
        free_text=("notes", "place"),
        record=("extra",),
    )
    assert data_map.unclassified([placed], metadata) == []


# ----------------------------------------------------------------------- the declarations hang together


def test_each_holding_says_what_every_consumer_does():
    rules = {key for key, *_ in retention.DEFAULT_RULES}
    section_keys = [s.key for _h, s in data_map.sections()]
    assert len(section_keys) == len(set(section_keys))
    assert len({s.position for _h, s in data_map.sections()}) == len(section_keys)
    tabs = {key for _slug, _title, keys in RECORD_TABS for key in keys}
    # Who viewed a record the DPO reads on the viewers page, not on the full read.
    assert set(section_keys) - tabs == {"record_views"}, "every section is on a tab of the DPO's full read"
    problems = []
    for found in HOLDINGS:
        table = db.metadata.tables[found.table]
        name = found.table
        action = found.erasure
        if action.action in ("anonymise", "redact"):
            left = set(found.personal) - set(action.fields) - set(action.kept)
            if left:
                problems.append(f"{name}: erasure neither blanks nor keeps {sorted(left)}")
            if not set(action.fields) <= set(table.c.keys()):
                problems.append(f"{name}: erasure names a missing column")
        elif not action.reason.strip():
            problems.append(f"{name}: erasure '{action.action}' without a reason")
        if action.kept and not action.reason.strip():
            problems.append(f"{name}: keeps {action.kept} without a reason")
        if not found.shown and not found.not_shown.strip():
            problems.append(f"{name}: neither shown in the access package nor a reason why not")
        if set(found.shown_in) - set(section_keys):
            problems.append(f"{name}: shown in an unknown section")
        for section in found.sections:
            if not set(section.passages) <= {c.key for c in section.columns}:
                problems.append(f"{name}: passages of {section.key} are not its columns")
            provider = section.rows_from
            if isinstance(provider, data_map.Provider) and provider.name not in access_content.PROVIDERS:
                problems.append(f"{name}: no provider {section.rows_from.name}")
        if section_needs_a_query(found) and not data_map.queryable(found):
            problems.append(f"{name}: has a section but cannot be queried per participant")
        rule = found.retention
        if rule.rule is None and not rule.note.strip():
            problems.append(f"{name}: no retention rule and no reason")
        if rule.rule is not None and rule.rule not in rules:
            problems.append(f"{name}: unknown retention rule {rule.rule}")
        if rule.item_from and rule.item_from not in table.c:
            problems.append(f"{name}: retention counts from a missing column")
        if isinstance(found.found_by, Via) and found.found_by.parent not in {h.table for h in HOLDINGS}:
            problems.append(f"{name}: linked to an unregistered parent")
    for kind in data_map.FILE_KINDS:
        table = db.metadata.tables[kind.table]
        if kind.table not in {h.table for h in HOLDINGS} or not set(kind.keys) <= set(table.c.keys()):
            problems.append(f"file kind {kind.kind}: unknown table or key column")
        if kind.retention not in rules or not kind.in_package.strip() or not kind.portable.strip():
            problems.append(f"file kind {kind.kind}: retention, package or portability not said")
    assert problems == []


def section_needs_a_query(found: Holding) -> bool:
    return any(not isinstance(s.rows_from, data_map.Provider) for s in found.sections)


# ----------------------------------------------------------------------- a row in every table


def _allowed_value(table: sa.Table, column: sa.Column) -> str | None:
    """The first value a CHECK constraint allows for ``column`` (``col IN ('a', ...)``)."""
    for constraint in table.constraints:
        if isinstance(constraint, sa.CheckConstraint):
            match = re.search(rf"\b{column.name} IN \('([^']+)'", str(constraint.sqltext))
            if match:
                return match.group(1)
    return None


def _value(table: sa.Table, column: sa.Column, marker: str) -> Any:
    allowed = _allowed_value(table, column)
    if allowed is not None:
        return allowed
    kind = column.type
    if isinstance(kind, sa.JSON):
        return {"marker": marker}
    if isinstance(kind, (sa.String, sa.Text)):
        length = getattr(kind, "length", None)
        return marker[:length] if length else marker
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Date):
        return clock.today()
    if isinstance(kind, (sa.DateTime, sa.types.TypeDecorator)):
        return clock.now()
    if isinstance(kind, sa.Integer):
        return 1
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def fill(table: sa.Table, fixed: dict[str, Any]) -> int:
    """Insert a row of ``table``: ``fixed`` values, every other column a marker naming
    it (``MARK-table-column``), every required reference a row of its table (made the
    same way when there is none)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.primary_key and column.name == "id":
            continue
        if column.name in fixed:
            values[column.name] = fixed[column.name]
            continue
        references = list(column.foreign_keys)
        if references:
            target = references[0].column.table
            if column.nullable or target is table:
                values[column.name] = None
                continue
            existing = db.session.execute(sa.select(target.c.id).order_by(target.c.id).limit(1)).scalar()
            values[column.name] = existing if existing is not None else fill(target, {})
            continue
        values[column.name] = _value(table, column, f"MARK-{table.name}-{column.name}")
    return db.session.execute(table.insert().values(values)).inserted_primary_key[0]


@pytest.fixture
def everything(make):
    """Zed of the rich world, with a row in every registered table found per participant."""
    shutil.rmtree(private_files.root(), ignore_errors=True)
    world = rich_world(make, "access", "Everything")
    zed = world["zed"]
    audit.record(
        "participant.viewed",
        object_type="participant",
        object_id=zed.id,
        participant_id=zed.id,
        user_id=world["vrc"].id,
        org_id=zed.org_id,
        detail={"view": "record"},
    )
    rows: dict[str, int] = {}
    for found in HOLDINGS:
        if not data_map.queryable(found) or found.table == "participant":
            continue
        present = db.session.scalars(data_map.rows_query(found, [zed.id])).first()
        if present is not None:
            rows[found.table] = sa.inspect(present).identity[0]
            continue
        table = db.metadata.tables[found.table]
        fixed: dict[str, Any] = {"org_id": zed.org_id}
        if isinstance(found.found_by, ByColumn):
            fixed[found.found_by.column] = zed.id
        elif isinstance(found.found_by, Via):
            fixed[found.found_by.link] = rows[found.found_by.parent]
        for kind in data_map.FILE_KINDS:  # a stored file behind every key
            if kind.table == found.table:
                for key in kind.keys:
                    content = f"file of {found.table}".encode()
                    fixed[key] = private_files.store(kind.kind, content, "application/pdf").key
        rows[found.table] = fill(table, fixed)
    db.session.commit()
    return world | {"rows": rows}


def _registered_with_rows() -> list[Holding]:
    return [h for h in HOLDINGS if data_map.queryable(h)]


def test_the_world_has_a_row_in_every_table_found_per_participant(everything):
    zed = everything["zed"]
    for found in _registered_with_rows():
        assert db.session.scalars(data_map.rows_query(found, [zed.id])).first() is not None, found.table


def test_the_access_package_has_every_holdings_section_and_its_rows(everything):
    zed = everything["zed"]
    package = {s["key"]: s for s in access_content.collect(zed)}
    assert list(package) == [s.key for _h, s in data_map.sections()]
    for found in _registered_with_rows():
        assert found.shown or found.not_shown
        for key in found.shown:
            assert package[key]["rows"], f"{found.table}: section {key} is empty"


def test_erasure_blanks_every_field_the_registry_names_and_deletes_the_rows_it_deletes(everything):
    zed, rows = everything["zed"], everything["rows"]
    erasure.erase_participant(
        zed, confirmed_by=everything["dpo"], basis="rights_request", rights_request=everything["request"]
    )
    db.session.commit()
    for found in _registered_with_rows():
        table = db.metadata.tables[found.table]
        replace = dict(found.erasure.replace)
        if found.erasure.action == "delete":
            assert db.session.execute(sa.select(table.c.id).where(table.c.id == rows[found.table])).first() is None
            continue
        if found.erasure.action not in ("redact", "anonymise"):
            continue
        for row in db.session.execute(data_map.rows_query(found, [zed.id]).with_only_columns(*table.c)).mappings():
            for name in found.erasure.fields:
                value = row[name]
                if name in replace:
                    assert value == replace[name].format_map(dict(row)), (found.table, name)
                elif found.erasure.action == "redact":
                    assert value in (None, ""), (found.table, name, value)
                else:
                    assert ZED.first not in str(value) and ZED.ni not in str(value), (found.table, name, value)
    participant = db.session.get(Participant, zed.id)
    assert participant.first_name == "Erased" and participant.health_information == ""


def test_portability_exports_what_the_registry_says(everything):
    zed = everything["zed"]
    data = portability._portable(zed)
    exported = data_map.portable()
    assert list(data) == [h.portable.key for h in exported]
    with zipfile.ZipFile(io.BytesIO(portability.portability_zip(zed))) as archive:
        names = set(archive.namelist())
    for found in exported:
        spec = found.portable
        assert f"{spec.key}.csv" in names
        rows = [data[spec.key]] if spec.single else data[spec.key]
        assert rows and all(set(row) == {c.key for c in spec.fields} for row in rows)
    assert {h.table for h in exported} == {"participant", "consent"}
    assert "health_information" not in data["details"]


def test_retention_lists_a_row_of_every_table_the_registry_lists(everything):
    zed = everything["zed"]
    zed.status, zed.closed_on = "completed", clock.today()
    request = everything["request"]
    request.status, request.closed_at = "closed", clock.now()
    db.session.commit()
    due = retention.due(clock.today() + timedelta(days=366 * 7))
    listed = {(d["object_type"], d["object_id"]) for d in due}
    for rule in retention.DEFAULT_RULES:
        for found in data_map.listed_by(rule[0]):
            if not data_map.queryable(found):
                continue  # found through a JSON list of ids (contract report drafts): none of Zed's here
            table = db.metadata.tables[found.table]
            ids = db.session.scalars(data_map.rows_query(found, [zed.id]).with_only_columns(table.c.id)).all()
            assert ids and any((found.table, str(i)) in listed for i in ids), found.table


# ----------------------------------------------------------------------- gaps the registry closed


def test_gaps_closed_the_package_shows_what_four_lists_missed(everything):
    """Before the registry, the access package left out appointment moves, emergency
    contacts made without consent, signed consent forms, objections, restrictions,
    complaints and a milestone's reason for leaving early."""
    package = {s["key"]: s for s in access_content.collect(everything["zed"])}
    assert package["appointment_changes"]["rows"][0]["reason"] == "MARK-appointment_reschedule-reason"
    assert package["emergency_contacts"]["rows"][0]["reason"] == "MARK-emergency_contact-reason"
    assert package["consent_evidence"]["rows"][0]["original_filename"].endswith("-consent.png")
    assert package["objections"]["rows"][0]["scope"] == "research"
    assert package["restrictions"]["rows"][0]["reason"] == "MARK-rights_restriction_notice-reason"
    assert package["complaints"]["rows"][0]["about"] == "MARK-rights_complaint-about"
    assert package["milestones"]["rows"][0]["left_early_reason"] == "MARK-milestone-left_early_reason"


def test_gaps_closed_erasure_blanks_a_letters_cancel_reason_and_the_apis_reference(everything):
    """Before the registry, erasure left a GP letter's cancellation reason and the ATW
    reference DWP's API sent (it names the person at DWP) in place."""
    zed, rows = everything["zed"], everything["rows"]
    erasure.erase_participant(zed, confirmed_by=everything["dpo"], basis="retention")
    db.session.commit()
    letter = db.metadata.tables["gp_letter"]
    referral = db.metadata.tables["api_referral"]
    assert db.session.execute(sa.select(letter.c.cancel_reason).where(letter.c.id == rows["gp_letter"])).scalar() in (
        None,
        "",
    )
    assert (
        db.session.execute(sa.select(referral.c.atw_reference).where(referral.c.id == rows["api_referral"])).scalar()
        == f"ERASED-{zed.id}"
    )
