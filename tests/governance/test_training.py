"""Training records: by an admin (own organisation; the lead admin any), by CSV with
row-by-row errors (nothing saved from a file with a bad row), the 30-day notice job
(once per lapse date) and the compliance pages."""

from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.governance import training
from portal.models import Notification, TrainingNotice
from tests.casework.conftest import errors_of, post


def _day(d):
    return [str(d.day), str(d.month), str(d.year)]


def test_admin_records_a_date_for_their_own_staff_only(world, login, make):
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    client = login(world.admin)
    url = f"/admin/h2e/staff/{world.vrc.id}/training"
    response = post(client, url, {"completed_on": _day(date(2027, 1, 1))})
    assert response.status_code == 400 and errors_of(response)
    response = post(client, url, {"completed_on": _day(date(2026, 5, 20))})
    assert response.status_code == 303
    db.session.refresh(world.vrc)
    assert world.vrc.dp_training_completed_on == date(2026, 5, 20)
    assert client.get(f"/admin/salus/staff/{world.salus_vrc.id}/training").status_code == 404
    lead_admin = make.user(world.lead, ["admin"])
    assert (
        post(
            login(lead_admin),
            f"/admin/salus/staff/{world.salus_vrc.id}/training",
            {"completed_on": _day(date(2026, 5, 1))},
        ).status_code
        == 303
    )


def test_csv_upload_reports_each_bad_row_and_saves_nothing(world, login):
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    before = world.tm.dp_training_completed_on
    bad = (
        f"email,completed_on\n{world.tm.email},2026-05-01\nnobody@example.test,2026-05-01\n"
        f"{world.ooh.email},31/02/2026\n{world.salus_vrc.email},2026-05-01\n"
    ).encode()
    result = training.upload(world.home, bad, world.admin.id)
    assert [n for n, _ in result.errors] == [3, 4, 5] and result.saved == 0
    db.session.rollback()
    db.session.refresh(world.tm)
    assert world.tm.dp_training_completed_on == before
    client = login(world.admin)
    from io import BytesIO

    response = post(
        client,
        "/admin/h2e/training/upload",
        {"file": (BytesIO(bad), "training.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert any(e.startswith("Row 3:") for e in errors_of(response))
    good = f"email,completed_on\n{world.tm.email},2026-05-01\n{world.ooh.email},01/04/2026\n".encode()
    response = post(
        client,
        "/admin/h2e/training/upload",
        {"file": (BytesIO(good), "training.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.refresh(world.tm)
    db.session.refresh(world.ooh)
    assert world.tm.dp_training_completed_on == date(2026, 5, 1)
    assert world.ooh.dp_training_completed_on == date(2026, 4, 1)


def test_notice_thirty_days_before_lapse_is_sent_once(world):
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    world.vrc.dp_training_completed_on = date(2025, 6, 20)  # runs out after 20 June 2026
    world.tm.dp_training_completed_on = date(2025, 9, 1)  # not yet due
    db.session.commit()
    assert training.send_lapse_notices()["sent"] == 1
    assert training.send_lapse_notices()["sent"] == 0
    clock.freeze(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))
    assert training.send_lapse_notices()["sent"] == 0
    notes = db.session.scalars(select(Notification).where(Notification.kind == "training.lapsing")).all()
    assert [n.user_id for n in notes] == [world.vrc.id]
    assert db.session.scalars(select(TrainingNotice)).one().lapses_on == date(2026, 6, 20)
    # Renewed and due again a year later: a new notice for the new lapse date.
    world.vrc.dp_training_completed_on = date(2026, 6, 20)
    db.session.commit()
    clock.freeze(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    assert training.send_lapse_notices()["sent"] >= 1


def test_compliance_page_per_org_and_the_lead_admin_sees_all(world, login, make):
    today = clock.today()
    world.vrc.dp_training_completed_on = today - relativedelta(months=13)
    world.tm.dp_training_completed_on = today - relativedelta(months=12) + relativedelta(days=10)
    db.session.commit()
    result = training.compliance(world.home)
    assert world.vrc in result.lapsed and world.tm in result.due and world.admin in result.current
    client = login(world.admin)
    assert client.get("/admin/training-compliance").status_code == 302
    page = client.get("/admin/h2e/training")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Vera Assigned" in html and "Lapsed" in html
    assert client.get("/admin/salus/training").status_code == 404
    lead_admin = make.user(world.lead, ["admin"])
    page = login(lead_admin).get("/admin/training-compliance")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("Ingeus UK", "Health 2 Employment", "Salus"):
        assert name in html
    assert login(world.dpo).get("/admin/training-compliance").status_code == 403
