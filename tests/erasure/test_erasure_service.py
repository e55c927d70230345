"""The erasure service: after erasure nothing in any column of any table, nor in any
stored file, identifies the participant; a legal hold stops it; the plan says what is
kept and why; a tombstone is left."""

import io
import json
import os
import shutil
import zipfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import clock, private_files
from portal.extensions import db
from portal.governance import legal_holds
from portal.models import AuditEvent, GpLetter, Participant, Tombstone
from portal.models.rights import RightsRequest
from portal.rights import access_packages, erasure, portability
from tests.erasure.rich import OTHER, ZED, rich_world


@pytest.fixture
def world(make):
    # The tables are emptied between tests; empty the file store too, so the scan
    # sees only this test's files.
    shutil.rmtree(private_files.root(), ignore_errors=True)
    world = rich_world(make, "erasure", "Erase my data")
    # Another participant's note names Zed.
    make.note(world["other"], world["vrc"], text=f"{OTHER.first} is a friend of {ZED.first} {ZED.last}")
    zed, dpo = world["zed"], world["dpo"]
    # Stored files of every kind: a GP letter's PDF, an access package (draft and
    # released ZIPs) and a portability export, built under Zed's earlier request.
    letter = private_files.store("gp_letter", f"Dear Doctor, about {ZED.first} {ZED.last}".encode(), "application/pdf")
    now = clock.now()
    db.session.add(
        GpLetter(
            org_id=zed.org_id,
            participant_id=zed.id,
            status="issued",
            practice_name="Elm Surgery",
            practice_address="1 Elm Road",
            addressee="Dr Elm",
            body=f"About {ZED.first}",
            created_by_id=world["vrc"].id,
            created_at=now,
            updated_at=now,
            pdf_key=letter.key,
        )
    )
    db.session.commit()
    earlier = db.session.scalars(
        sa.select(RightsRequest).where(RightsRequest.participant_id == zed.id, RightsRequest.id != world["request"].id)
    ).one()
    earlier.status = "open"
    earlier.identity_status, earlier.identity_received_on = "proved", clock.today()
    db.session.commit()
    package = access_packages.start_package(earlier, dpo.id)
    db.session.refresh(package)
    access_packages.release(package, dpo.id)
    portability.create_portability_export(earlier, dpo.id)
    return world


def _values(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if isinstance(value, date):
        return f"{value.isoformat()} {value:%d/%m/%Y}"
    return "" if value is None else str(value)


def scan_schema(terms, exempt_rows=frozenset()):
    """Every column of every table of the schema, the audit trail included (text, dates
    and JSON alike): ``(found, exempt)``, each a list of (table, column, pk, term);
    ``exempt`` lists what was found in the ``exempt_rows`` (table, pk), named apart."""
    found, exempt = [], []
    lowered = [t.lower() for t in terms]
    conn = db.session.connection()  # the test's own transaction: it sees what the test wrote
    for table in sa.inspect(db.engine).get_table_names():
        rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).mappings().all()
        for row in rows:
            for column, value in row.items():
                text = _values(value).lower()
                for term in lowered:
                    if term in text:
                        hit = (table, column, row.get("id"), term)
                        (exempt if (table, row.get("id")) in exempt_rows else found).append(hit)
    return found, exempt


def _contents(name: str, raw: bytes) -> str:
    """A stored file's text; a ZIP's members are read (they are compressed)."""
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(member) for member in archive.namelist())
    return raw.decode("latin-1").lower()


def scan_files(terms):
    found = []
    root = private_files.root()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                content = _contents(name, handle.read())
            found += [(os.path.relpath(os.path.join(folder, name), root), t) for t in terms if t.lower() in content]
    return found


def test_erasure_leaves_nothing_that_identifies_the_participant(world):
    zed, request = world["zed"], world["request"]
    before, _ = scan_schema(ZED.terms)
    tables = {table for table, *_ in before}
    # Found beforehand in the record, the outbox, notifications, job results, uploads...
    assert {
        "participant",
        "case_note_version",
        "outbox_message",
        "notification",
        "job",
        "referral_upload",
        "ooh_event",
        "rights_request",
        "gp_letter",
    } <= tables
    kinds = {path.split("/")[0] for path, _ in scan_files(ZED.terms)}
    assert {"consent_evidence", "gp_letter", "access_packages", "rights_portability"} <= kinds, kinds

    tombstone = erasure.erase_participant(
        zed, confirmed_by=world["dpo"], basis="rights_request", rights_request=request
    )
    db.session.commit()

    # Nothing anywhere but the erasure request's own record, which the scan names as
    # exempt: the requester's name and contact, kept for accountability.
    found, exempt = scan_schema(ZED.terms, exempt_rows={("rights_request", request.id)})
    assert found == []
    assert {(table, column, pk) for table, column, pk, _ in exempt} == {
        ("rights_request", "requester_name", request.id),
        ("rights_request", "requester_contact", request.id),
    }
    assert scan_files(ZED.terms) == []

    stone = db.session.get(Tombstone, tombstone.id)
    assert stone.object_type == "participant" and stone.object_id == str(zed.id)
    assert stone.rights_request_id == request.id and stone.basis == "rights_request"
    assert stone.confirmed_by_id == world["dpo"].id and stone.erased_at is not None
    assert "participant.first_name" in stone.fields and "case_note_version.text" in stone.fields
    assert ZED.first not in stone.what
    # The other participant is untouched (but for the mention of Zed in their note).
    other = db.session.get(Participant, world["other"].id)
    assert other.first_name == OTHER.first and other.date_of_birth == OTHER.dob
    assert scan_schema([OTHER.first, OTHER.ni])[0]
    # Audited with ids only.
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "participant.erased")).one()
    assert event.participant_id == zed.id and ZED.first not in json.dumps(event.detail)


def test_erasure_refused_while_a_legal_hold_stands(world):
    zed = world["zed"]
    legal_holds.place_hold(
        zed, reason="Employment tribunal", review_on=clock.today() + timedelta(days=90), placed_by=world["dpo"]
    )
    db.session.commit()
    plan = erasure.erasure_plan(zed)
    assert not plan.allowed
    assert any("legal hold" in item.what.lower() for item in plan.kept)
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_participant(
            zed, confirmed_by=world["dpo"], basis="rights_request", rights_request=world["request"]
        )
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
    assert any(what == "Audit trail" for what in kept)


def test_the_dpos_erasure_is_one_committed_unit_and_the_plan_view_is_recorded(world):
    zed, request, dpo = world["zed"], world["request"], world["dpo"]
    erasure.audit_plan_view(request, zed, dpo.id)
    tombstone = erasure.erase_for_request(request, zed, dpo.id)
    db.session.rollback()  # both were committed
    actions = list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.action.in_(("erasure.plan_viewed", "participant.erased")))
            .order_by(AuditEvent.seq)
        )
    )
    assert actions == ["erasure.plan_viewed", "participant.erased"]
    assert erasure.tombstones_of(zed.id)[0].id == tombstone.id and tombstone.rights_request_id == request.id
