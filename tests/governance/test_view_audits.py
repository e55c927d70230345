"""Governance services that record a look at a page: each writes its event and commits
it (a rollback afterwards keeps it), so the routes only call them and render."""

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.governance import access_reviews, audit_search, breaches, training
from portal.jobs import housekeeping as maintenance
from portal.models import AuditEvent, Job


def _kept(action) -> AuditEvent:
    db.session.rollback()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).one()


def test_breach_register_and_breach_views_are_audited(world):
    found = breaches.report(
        world.vrc,
        what_happened="Letter to the wrong address",
        discovered_at=clock.now(),
        data_affected="Name and address",
        people_affected="One participant",
    )
    breaches.audit_register_view([found])
    event = _kept("breach.register_viewed")
    assert (event.object_type, event.object_id, event.detail) == ("list", "breaches", {"breach_ids": [found.id]})
    breaches.audit_view(found)
    event = _kept("breach.viewed")
    assert (event.object_type, event.object_id) == ("breach", str(found.id))


def test_listing_a_records_viewers_is_audited_against_the_participant(world):
    audit_search.audit_viewers_listed(world.participant.id, 3)
    event = _kept("audit.viewers_listed")
    assert (event.participant_id, event.detail) == (world.participant.id, {"shown": 3})


def test_asking_for_a_chain_check_is_a_job_and_an_event(world):
    job = maintenance.request_audit_verification(world.dpo.id)
    event = _kept("job.periodic.run")
    assert db.session.get(Job, job.id).kind == "audit-verify"
    assert (event.object_id, event.detail) == (str(job.id), {"periodic": "audit-verify"})


def test_training_views_are_audited(world):
    training.audit_compliance_view(world.home)
    event = _kept("training.compliance_viewed")
    assert (event.object_type, event.object_id, event.org_id) == ("organisation", str(world.home.id), world.home.id)
    training.audit_overview_view([world.home, world.other])
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "training.compliance_viewed").order_by(AuditEvent.seq)
    ).all()
    assert events[-1].detail == {"org_ids": [world.home.id, world.other.id]}


def test_opening_an_access_review_is_audited_naming_each_account(world):
    rows = access_reviews.accounts(world.home)
    access_reviews.audit_view(world.home, rows)
    event = _kept("access_review.viewed")
    assert event.detail == {"user_ids": [u.id for u, _ in rows]} and event.org_id == world.home.id
