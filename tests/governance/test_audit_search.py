"""Audit search: the DPO only; filters by participant, staff member, action and dates;
paginated; the search itself audited without the terms; on-demand chain check."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.governance import audit_search
from portal.models import AuditEvent, Job
from tests.casework.conftest import post


def test_only_the_dpo_searches(world, login):
    for user in (world.vrc, world.tm, world.admin):
        assert login(user).get("/dpo/audit").status_code == 403
    assert login(world.dpo).get("/dpo/audit").status_code == 200


def test_filters_and_the_search_audited_without_terms(world, login):
    clock.freeze(datetime(2026, 5, 1, 10, 0, tzinfo=UTC))
    login(world.vrc).get(f"/h2e/participants/{world.participant.id}")
    clock.freeze(datetime(2026, 5, 3, 10, 0, tzinfo=UTC))
    login(world.tm).get(f"/h2e/participants/{world.participant.id}")
    f = audit_search.SearchFilters
    by_participant = audit_search.search(f(participant_id=world.participant.id, action="participant.viewed"))
    assert {e.user_id for e in by_participant.events} == {world.vrc.id, world.tm.id}
    by_user = audit_search.search(f(user_id=world.tm.id, action="participant.viewed"))
    assert {e.user_id for e in by_user.events} == {world.tm.id}
    by_dates = audit_search.search(f(action="participant.", date_from=date(2026, 5, 1), date_to=date(2026, 5, 1)))
    assert {e.user_id for e in by_dates.events} == {world.vrc.id}
    paged = audit_search.search(f(), page=1, page_size=1)
    assert len(paged.events) == 1 and paged.has_next
    assert audit_search.search(f(), page=2, page_size=1).events[0].seq < paged.events[0].seq
    client = login(world.dpo)
    page = client.get(
        "/dpo/audit",
        query_string={"participant_id": str(world.participant.id), "action": "participant.viewed", "submit": ""},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 events" in html
    searched = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.searched")).one()
    assert searched.user_id == world.dpo.id
    # Which filters were used, never the values searched for (rule 10).
    assert searched.detail == {"filters": ["action", "participant_id"], "page": 1, "shown": 2}
    assert searched.participant_id is None and searched.object_id == "search"
    bad = client.get("/dpo/audit", query_string={"participant_id": "abc", "submit": ""})
    assert bad.status_code == 200 and "Enter a number" in bad.get_data(as_text=True)


def test_viewers_page_and_chain_check_on_demand(world, login):
    login(world.vrc).get(f"/h2e/participants/{world.participant.id}")
    client = login(world.dpo)
    page = client.get(f"/dpo/audit/participants/{world.participant.id}/viewers")
    assert page.status_code == 200 and "Vera Assigned" in page.get_data(as_text=True)
    assert login(world.admin).get(f"/dpo/audit/participants/{world.participant.id}/viewers").status_code == 403
    response = post(client, "/dpo/audit/verify")
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = db.session.scalars(select(Job).where(Job.kind == "audit-verify")).one()
    assert job.requested_by == world.dpo.id
    page = client.get("/dpo/audit")
    assert "Last check of the audit chain" in page.get_data(as_text=True)


def test_numbers_too_large_to_be_ids_are_not_found_not_errors(world, login):
    huge = 2**63
    dpo = login(world.dpo)
    assert dpo.get(f"/dpo/audit/participants/{huge}/viewers").status_code == 404
    assert dpo.get(f"/dpo/breaches/{huge}").status_code == 404
    assert dpo.get(f"/dpo/audit?participant_id={huge}&submit=").status_code == 200
    assert login(world.vrc).get(f"/h2e/caseload?page={huge}").status_code == 200
