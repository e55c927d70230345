"""The demo seed's participants: enough of them, valid, idempotent, in the --json document."""

from collections import Counter

from sqlalchemy import func, select

from portal import clock, demo, validation
from portal.extensions import db
from portal.models import Appointment, CaseNote, Milestone, Participant


def test_demo_participants(app_ctx):
    doc = demo.seed()
    counts = Counter(p["org"] for p in doc["participants"])
    assert set(counts) == {"ingeus", "h2e", "case-uk", "salus", "tbhg"}
    assert all(n >= 30 for n in counts.values())
    for org in counts:
        assigned = [p for p in doc["participants"] if p["org"] == org and p["assigned_vrc"]]
        assert len(assigned) >= 5
        assert {p["assigned_vrc"] for p in assigned} == {f"vrc1@{org}.example", f"vrc2@{org}.example"}
    sample = doc["participants"][0]
    assert set(sample) >= {"id", "org", "assigned_vrc", "name", "date_of_birth", "postcode"}

    total = db.session.scalar(select(func.count()).select_from(Participant))
    for model in (CaseNote, Appointment, Milestone):
        assert db.session.scalar(select(func.count()).select_from(model)) > total
    for p in db.session.scalars(select(Participant)):
        assert validation.clean_ni_number(p.ni_number) == p.ni_number
        assert validation.clean_postcode(p.postcode) == p.postcode
        assert validation.clean_phone(p.phone) == p.phone
        assert validation.clean_email(p.email) == p.email
        assert validation.clean_atw_reference(p.atw_reference) == p.atw_reference
        validation.clean_date_of_birth(p.date_of_birth, clock.today())
    re_referrals = db.session.scalars(select(Participant).where(Participant.previous_episode_id.is_not(None))).all()
    assert len(re_referrals) == 5
    assert db.session.scalars(select(Participant).where(Participant.restricted.is_(True))).all()

    again = demo.seed()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == total
    assert len(again["participants"]) == len(doc["participants"])
