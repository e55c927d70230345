"""The job page and the periodic jobs page, through the real pages."""

import re

import pytest
from sqlalchemy import select

from portal import audit, clock, jobs
from portal.extensions import db
from portal.jobs import periodic_jobs
from portal.models import AuditEvent, AuditVerification, Job
from portal.permissions import ACTIONS
from tests.factories import sign_in
from tests.support.web import csrf_from

REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+">')


@pytest.fixture
def inline(app):
    before = app.config.get("JOBS_MODE")
    app.config["JOBS_MODE"] = "inline"
    yield
    app.config["JOBS_MODE"] = before


def _job(**fields):
    values = dict(
        kind="test.page",
        function="tests.jobs.sample:add",
        args=[1, 2],
        status="queued",
        progress=0,
        progress_message="",
        attempts=0,
        created_at=clock.now(),
    )
    values.update(fields)
    job = Job(**values)
    db.session.add(job)
    db.session.commit()
    return job


@pytest.fixture
def world(make):
    lead = make.org("ingeus", kind="lead")
    home = make.org("h2e")
    other = make.org("salus")
    return {
        "home": home,
        "other": other,
        "asker": make.user(home, ["vrc"]),
        "colleague": make.user(home, ["vrc"]),
        "home_admin": make.user(home, ["admin"]),
        "other_admin": make.user(other, ["admin"]),
        "lead_admin": make.user(lead, ["admin"]),
        "dpo": make.user(lead, ["dpo"]),
    }


def test_running_job_shows_progress_and_refreshes(client, world):
    job = _job(
        requested_by=world["asker"].id,
        org_id=world["home"].id,
        status="running",
        progress=40,
        progress_message="Reading rows",
        attempts=1,
        started_at=clock.now(),
    )
    sign_in(client, world["asker"])
    page = client.get(f"/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert REFRESH.search(html)
    assert '<progress class="app-progress" max="100" value="40"' in html
    assert "40% complete: Reading rows" in html
    assert "Running" in html
    assert "Stop refreshing" in html
    # The CSP does not stand in the way of a meta refresh (it has no say over it) and the
    # progress bar's styles carry the page's nonce.
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html
    still = client.get(f"/jobs/{job.id}?refresh=off").get_data(as_text=True)
    assert not REFRESH.search(still) and "Refresh this page" in still


def test_done_job_shows_result_link_and_stops_refreshing(client, world):
    job = _job(
        requested_by=world["asker"].id,
        status="done",
        progress=100,
        attempts=1,
        result={"link": "/account/notifications", "link_text": "See the file", "message": "3 rows"},
        started_at=clock.now(),
        finished_at=clock.now(),
    )
    sign_in(client, world["asker"])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert not REFRESH.search(html)
    assert 'href="/account/notifications" id="job-result-link">See the file</a>' in html
    assert "3 rows" in html and "100% complete" in html


def test_links_to_other_sites_are_not_shown(client, world):
    job = _job(
        requested_by=world["asker"].id,
        status="done",
        progress=100,
        result={"link": "https://evil.example/x"},
        finished_at=clock.now(),
    )
    sign_in(client, world["asker"])
    assert "evil.example" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_failed_job_shows_the_error(client, world):
    job = _job(
        requested_by=world["asker"].id,
        status="failed",
        attempts=4,
        error="RuntimeError: the file could not be read",
        finished_at=clock.now(),
    )
    sign_in(client, world["asker"])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "This job failed" in html and "RuntimeError: the file could not be read" in html
    assert not REFRESH.search(html)
    assert "4 of " in html


@pytest.mark.parametrize(
    "who, code",
    [("asker", 200), ("colleague", 404), ("home_admin", 404), ("other_admin", 404), ("lead_admin", 404), ("dpo", 404)],
)
def test_job_of_an_unowned_kind_shows_only_to_the_asker(client, world, who, code):
    job = _job(requested_by=world["asker"].id, org_id=world["home"].id)
    sign_in(client, world[who])
    assert client.get(f"/jobs/{job.id}").status_code == code


@pytest.mark.parametrize(
    "who, code",
    [("asker", 200), ("colleague", 404), ("home_admin", 200), ("other_admin", 404), ("lead_admin", 200), ("dpo", 404)],
)
def test_owning_roles_see_jobs_of_their_organisation(client, world, who, code):
    jobs.KINDS["test.owned"] = jobs.Kind("Owned by admins", ("admin", "lead_admin"))
    try:
        job = _job(kind="test.owned", requested_by=world["asker"].id, org_id=world["home"].id)
        sign_in(client, world[who])
        assert client.get(f"/jobs/{job.id}").status_code == code
    finally:
        del jobs.KINDS["test.owned"]


def test_refused_job_page_is_audited(client, world):
    job = _job(requested_by=world["asker"].id)
    sign_in(client, world["colleague"])
    assert client.get(f"/jobs/{job.id}").status_code == 404
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused.404")).one()
    assert (event.object_type, event.object_id, event.user_id) == ("job", str(job.id), world["colleague"].id)


def test_periodic_page_lists_what_the_role_owns(client, world):
    sign_in(client, world["dpo"])
    html = client.get("/jobs/periodic").get_data(as_text=True)
    assert "Verify the audit trail" in html
    assert "Remove expired sign-in sessions" not in html
    assert "Not run yet" in html


def test_run_now_runs_the_job_and_shows_it_done(client, world, inline):
    audit.record_and_commit("test.event")
    sign_in(client, world["dpo"])
    page = client.get("/jobs/periodic")
    response = client.post("/jobs/periodic/audit-verify/run", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = db.session.get(Job, job_id)
    assert (job.kind, job.status, job.requested_by) == ("audit-verify", "done", world["dpo"].id)
    assert db.session.scalars(select(AuditVerification)).all()
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done" in html and "audit events verified" in html
    assert not REFRESH.search(html)
    run = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.periodic.run")).one()
    assert run.object_id == str(job_id) and run.user_id == world["dpo"].id
    listing = client.get("/jobs/periodic").get_data(as_text=True)
    assert f"/jobs/{job_id}" in listing


def test_run_now_of_another_roles_job_is_refused(client, world, inline):
    sign_in(client, world["dpo"])
    page = client.get("/jobs/periodic")
    response = client.post("/jobs/periodic/purge-expired-sessions/run", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404
    assert db.session.scalars(select(Job)).all() == []


def test_periodic_action_matches_the_table():
    """permissions.ACTIONS["jobs.periodic"] lists exactly the roles owning a periodic job."""
    assert ACTIONS["jobs.periodic"] == frozenset(p.role for p in periodic_jobs.PERIODIC)


def test_every_periodic_function_resolves():
    names = [p.name for p in periodic_jobs.PERIODIC]
    assert len(names) == len(set(names))
    for p in periodic_jobs.PERIODIC:
        assert callable(jobs.resolve(p.function)), p.name
