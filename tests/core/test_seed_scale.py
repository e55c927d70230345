"""Issue 16: ``flask seed-scale`` adds data at the size of the service, in its shapes,
with an audit chain that still verifies; production refuses it."""

from collections import Counter

from sqlalchemy import func, select

from portal import audit
from portal.demo import scale
from portal.extensions import db
from portal.models import AuditEvent, CaseNote, CaseNoteVersion, Membership, Participant
from tests.support import database


def test_seed_scale_builds_the_shapes_and_the_chain_verifies(app):
    with database.rolled_back(app), app.app_context():
        found = scale.seed_scale(1400, notes_per_participant=4, audit_events=3000, heavy_notes=300, heavy=2)
        assert found.participants == 1400 and found.organisations == 5
        assert 0.4 < found.closed / found.participants < 0.6  # about half the cases closed
        by_org = Counter(db.session.scalars(select(Participant.org_id)))
        assert max(by_org.values()) == round(1400 * scale.LARGEST_SHARE)  # one organisation holds ~40 %
        caseloads = Counter(db.session.scalars(select(Participant.assigned_vrc_id)))
        vrcs = set(db.session.scalars(select(Membership.user_id).where(Membership.role == "vrc")))
        assert set(caseloads) <= vrcs and found.vrcs == len(caseloads)
        assert all(200 <= load <= 600 for load in caseloads.values()), caseloads
        notes = Counter(db.session.scalars(select(CaseNote.participant_id)))
        assert [notes[p] for p in found.heavy_participant_ids] == [300, 300]
        assert db.session.scalar(select(func.count(CaseNoteVersion.id))) == found.notes == sum(notes.values())
        assert db.session.scalar(select(func.count(AuditEvent.seq))) >= 3000
        assert audit.verify_chain().ok


def test_production_refuses_seed_scale(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    result = app.test_cli_runner().invoke(args=["seed-scale", "--participants", "10"])
    assert result.exit_code != 0 and "refuses to run when PORTAL_ENV=production" in result.output
