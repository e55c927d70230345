"""Quarterly access reviews: overdue across quarters (30 days' grace), a review recorded
with per-account decisions and a role removed, the lead admin's overview."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.governance import access_reviews
from portal.models import AccessReviewDecision, AuditEvent, Membership
from portal.validation import Problems
from tests.casework.conftest import post


def _at(y, m, d):
    clock.freeze(datetime(y, m, d, 12, 0, tzinfo=UTC))


def test_overdue_logic_across_quarters(world, make):
    _at(2026, 10, 15)
    assert access_reviews.quarter_of(clock.today()) == "2026-Q4"
    assert not access_reviews.is_overdue(world.home)  # within the 30 days' grace
    _at(2026, 10, 31)
    assert access_reviews.is_overdue(world.home)  # never reviewed, grace over
    helper = make.user(world.home, ["vrc", "team_manager"])
    access_reviews.record_review(
        world.home, world.admin, {u.id: ("keep", []) for u, _ in access_reviews.accounts(world.home)}
    )
    assert not access_reviews.is_overdue(world.home)
    _at(2027, 1, 20)
    assert not access_reviews.is_overdue(world.home)  # Q1 grace
    _at(2027, 2, 1)
    assert access_reviews.is_overdue(world.home)  # Q4's review does not count for Q1
    assert helper.id


def test_review_recorded_with_role_removal(world, login, make):
    _at(2026, 11, 20)
    both = make.user(world.home, ["vrc", "team_manager"], name="Two Roles")
    client = login(world.admin)
    page = client.get("/admin/h2e/access-review")
    assert page.status_code == 200, page.get_data(as_text=True)[-3000:]
    assert "Two Roles" in page.get_data(as_text=True)
    accounts = access_reviews.accounts(world.home)
    data = {f"account_{u.id}": "keep" for u, _ in accounts}
    data[f"account_{both.id}"] = "remove"
    response = post(client, "/admin/h2e/access-review", data)
    assert response.status_code == 400 and "Select which roles to remove" in response.get_data(as_text=True)
    data[f"remove_{both.id}"] = "team_manager"
    response = post(client, "/admin/h2e/access-review", data)
    assert response.status_code == 303
    db.session.expire_all()
    assert both.roles_in(world.home.id) == frozenset({"vrc"})
    decisions = db.session.scalars(select(AccessReviewDecision)).all()
    assert len(decisions) == len(accounts)
    mine = next(d for d in decisions if d.user_id == both.id)
    assert mine.decision == "remove" and mine.removed_roles == ["team_manager"]
    assert mine.review.reviewed_by_id == world.admin.id and mine.review.quarter == "2026-Q4"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access_review.completed")).one()
    # An only role cannot be removed here: deactivate instead; nor one's own.
    with pytest.raises(Problems):
        access_reviews.record_review(
            world.home,
            world.admin,
            {**{u.id: ("keep", []) for u, _ in access_reviews.accounts(world.home)}, world.vrc.id: ("remove", ["vrc"])},
        )
    db.session.rollback()
    assert db.session.scalars(select(Membership).where(Membership.user_id == world.vrc.id)).one()


def test_lead_admin_sees_overdue_organisations(world, login, make):
    _at(2026, 11, 20)
    access_reviews.record_review(
        world.home, world.admin, {u.id: ("keep", []) for u, _ in access_reviews.accounts(world.home)}
    )
    lead_admin = make.user(world.lead, ["admin"])
    page = login(lead_admin).get("/admin/access-reviews")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Overdue" in html and "Done" in html and "Salus" in html
    home = login(lead_admin).get("/admin/").get_data(as_text=True)
    assert "Quarterly access reviews overdue" in home and "Salus" in home
    assert "Quarterly access review" in login(world.admin).get("/admin/h2e/").get_data(as_text=True)
    assert login(world.admin).get("/admin/access-reviews").status_code == 403
    assert login(world.admin).get("/admin/salus/access-review").status_code == 404
