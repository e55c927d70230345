"""The DPO's retention pages end to end: rules, holds, lists, certificate, checkpoint."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal import audit, clock
from portal.extensions import db
from portal.governance import legal_holds
from portal.models import Appointment, Job
from portal.models.retention import DestructionList, LegalHold
from portal.retention import destruction_lists
from tests.casework.conftest import errors_of, events, post


def _date(day):
    return [str(day.day), str(day.month), str(day.year)]


def test_rules_page_shows_defaults_and_changes(world, login):
    client = login(world.dpo)
    page = client.get("/dpo/retention").get_data(as_text=True)
    assert "Participant record and case notes" in page and "6 years" in page and "Case closed" in page
    bad = post(client, "/dpo/retention/appointments", {"period_months": "x", "counted_from": "case_closed", "note": ""})
    assert bad.status_code == 200 and len(errors_of(bad)) == 2
    assert 'value="x"' in bad.get_data(as_text=True)  # input kept
    ok = post(
        client,
        "/dpo/retention/appointments",
        {"period_months": "36", "counted_from": "case_closed", "note": "Variation 2"},
    )
    assert ok.status_code == 302
    page = client.get("/dpo/retention").get_data(as_text=True)
    assert "3 years" in page and "Variation 2" in page


def test_hold_place_and_lift_pages(world, login):
    client = login(world.dpo)
    bad = post(client, "/dpo/legal-holds/new", {"atw_reference": "NOPE", "reason": "", "review_on": ["", "", ""]})
    assert len(errors_of(bad)) == 3
    ok = post(
        client,
        "/dpo/legal-holds/new",
        {
            "atw_reference": world.participant.atw_reference.lower(),
            "reason": "Tribunal claim",
            "review_on": _date(clock.today() + timedelta(days=60)),
        },
    )
    assert ok.status_code == 302
    hold = legal_holds.active_hold(world.participant)
    assert hold and hold.placed_by_id == world.dpo.id
    again = post(
        client,
        "/dpo/legal-holds/new",
        {
            "atw_reference": world.participant.atw_reference,
            "reason": "Again",
            "review_on": _date(clock.today() + timedelta(days=9)),
        },
    )
    assert "already has a legal hold" in " ".join(errors_of(again))
    page = client.get("/dpo/legal-holds").get_data(as_text=True)
    assert world.participant.atw_reference in page and "Tribunal claim" in page
    assert events("legal_hold.list")[-1].detail == {"participant_ids": [world.participant.id]}
    lifted = post(client, f"/dpo/legal-holds/{hold.id}/lift", {"reason": "Settled"})
    assert lifted.status_code == 302
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).lifted_by_id == world.dpo.id
    assert client.get(f"/dpo/legal-holds/{hold.id}/lift").status_code == 404


def test_destruction_list_pages_end_to_end(world, login):
    appointment_id = world.appointment.id
    clock.freeze(clock.now() + relativedelta(months=72, days=1))
    client = login(world.dpo)
    built = post(client, "/dpo/destruction/build")
    assert built.status_code == 303
    found = db.session.query(DestructionList).one()
    page = client.get(f"/dpo/destruction/{found.id}").get_data(as_text=True)
    assert "Awaiting approval" in page and world.participant.last_name not in page
    # Destroying needs approval first, and a confirmation.
    none = post(client, f"/dpo/destruction/{found.id}/approve", {})
    assert none.status_code == 400 and "Select the items to approve" in errors_of(none)
    item = next(i for i in found.items if i.kind == "appointments")
    assert post(client, f"/dpo/destruction/{found.id}/approve", {"items": [str(item.id)]}).status_code == 303
    unconfirmed = post(client, f"/dpo/destruction/{found.id}/destroy", {})
    assert "Confirm that the approved items" in " ".join(errors_of(unconfirmed))
    # Destruction is a tracked job (inline here): the DPO lands on its page.
    destroyed = post(client, f"/dpo/destruction/{found.id}/destroy", {"confirm": "y"})
    assert destroyed.status_code == 303 and "/jobs/" in destroyed.headers["Location"]
    db.session.expire_all()
    job = db.session.scalars(select(Job).where(Job.kind == "retention.destroy")).one()
    assert (job.status, job.requested_by, job.result["destroyed"]) == ("done", world.dpo.id, 1)
    assert "1 destroyed" in client.get(destroyed.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Appointment, appointment_id) is None
    # Run twice, the job destroys nothing more.
    assert destruction_lists.destroy_list_job(found.id, world.dpo.id)["destroyed"] == 0
    pdf = client.get(f"/dpo/destruction/{found.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert events("retention.certificate")


def test_checkpoint_page_seals(world, login):
    audit.record("old.event")
    db.session.commit()
    clock.freeze(clock.now() + relativedelta(months=73))
    client = login(world.dpo)
    page = client.get("/dpo/retention/audit-checkpoint").get_data(as_text=True)
    assert "have passed their period" in page
    unconfirmed = post(client, "/dpo/retention/audit-checkpoint", {})
    assert "Confirm that the checkpoint" in unconfirmed.get_data(as_text=True)
    sealed = post(client, "/dpo/retention/audit-checkpoint", {"confirm": "y"})
    assert sealed.status_code == 303
    assert audit.latest_checkpoint() is not None
    assert audit.verify_chain().ok


def test_other_roles_refused(world, login):
    for user in (world.vrc, world.tm, world.admin):
        assert login(user).get("/dpo/retention").status_code == 403
