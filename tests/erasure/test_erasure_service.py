"""The erasure service: after erasure nothing in any column of any table, nor in any
stored file, identifies the participant; a legal hold stops it; the plan says what is
kept and why; a tombstone is left."""
import json
import os
import shutil
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Participant, Tombstone
from portal.services import erasure, legal_holds, private_files
from tests.erasure.rich import OTHER, ZED, rich_world


@pytest.fixture
def world(make):
    # The tables are emptied between tests; empty the file store too, so the scan
    # sees only this test's files.
    shutil.rmtree(private_files.root(), ignore_errors=True)
    world = rich_world(make, "erasure", "Erase my data")
    # Another participant's note names Zed.
    make.note(world["other"], world["vrc"], text=f"{OTHER.first} is a friend of {ZED.first} {ZED.last}")
    return world


def _values(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if isinstance(value, date):
        return f"{value.isoformat()} {value:%d/%m/%Y}"
    return "" if value is None else str(value)


def scan_schema(terms, exempt):
    """Every column of every table (text, dates, JSON alike): (table, column, pk, term)
    found, but the audit trail (ids only) and the ``exempt`` (table, column, pk) cells."""
    found = []
    lowered = [t.lower() for t in terms]
    with db.engine.connect() as conn:
        for table in sa.inspect(db.engine).get_table_names():
            if table in ("audit_event", "alembic_version"):
                continue
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).mappings().all()
            for row in rows:
                for column, value in row.items():
                    text = _values(value).lower()
                    for term in lowered:
                        if term in text and (table, column, row.get("id")) not in exempt:
                            found.append((table, column, row.get("id"), term))
    return found


def scan_files(terms):
    found = []
    root = private_files.root()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                content = handle.read().decode("latin-1").lower()
            found += [(name, t) for t in terms if t.lower() in content]
    return found


def test_erasure_leaves_nothing_that_identifies_the_participant(world):
    zed, request = world["zed"], world["request"]
    assert scan_schema(ZED.terms, set()), "the rich participant must be found before erasure"
    assert scan_files(ZED.terms)

    tombstone = erasure.erase_participant(zed, confirmed_by=world["dpo"], basis="rights_request",
                                          rights_request=request)
    db.session.commit()

    # The only exempt cells: the erasure request's own requester name and contact.
    exempt = {("rights_request", "requester_name", request.id), ("rights_request", "requester_contact", request.id)}
    assert scan_schema(ZED.terms, exempt) == []
    assert scan_files(ZED.terms) == []
    still_there = scan_schema([ZED.email], set())
    assert still_there == [("rights_request", "requester_contact", request.id, ZED.email.lower())]

    stone = db.session.get(Tombstone, tombstone.id)
    assert stone.object_type == "participant" and stone.object_id == str(zed.id)
    assert stone.rights_request_id == request.id and stone.basis == "rights_request"
    assert stone.confirmed_by_id == world["dpo"].id and stone.erased_at is not None
    assert "participant.first_name" in stone.fields and "case_note_version.text" in stone.fields
    assert ZED.first not in stone.what
    # The other participant is untouched (but for the mention of Zed in their note).
    other = db.session.get(Participant, world["other"].id)
    assert other.first_name == OTHER.first and other.date_of_birth == OTHER.dob
    assert scan_schema([OTHER.first, OTHER.ni], set())
    # Audited with ids only.
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "participant.erased")).one()
    assert event.participant_id == zed.id and ZED.first not in json.dumps(event.detail)


def test_erasure_refused_while_a_legal_hold_stands(world):
    zed = world["zed"]
    legal_holds.place_hold(zed, reason="Employment tribunal", review_on=clock.today() + timedelta(days=90),
                           placed_by=world["dpo"])
    db.session.commit()
    plan = erasure.erasure_plan(zed)
    assert not plan.allowed
    assert any("legal hold" in item.what.lower() for item in plan.kept)
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_participant(zed, confirmed_by=world["dpo"], basis="rights_request", rights_request=world["request"])
    db.session.rollback()
    assert db.session.get(Participant, zed.id).first_name == ZED.first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tombstone)) == 0


def test_plan_shows_what_is_erased_and_what_is_kept_and_why(world):
    plan = erasure.erasure_plan(world["zed"])
    assert plan.allowed
    erased = " ".join(item.what for item in plan.erased)
    assert "case note version" in erased and "Stored files" in erased
    kept = {item.what: item.reason for item in plan.kept}
    assert any("Retention duty" in reason for reason in kept.values())
    assert any("Legal claim" in reason for reason in kept.values())
    assert any("Audit trail" == what for what in kept)
