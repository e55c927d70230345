"""Issue 16: a page's queries do not grow with the data. Every GET route of the route
registry that answers 200 is opened as the first role it answers for, in the matrix's
world with one more row of each kind below (and the rows opening every page writes); then
the world grows tenfold in what lists show (participants of the home organisation with
notes, appointments, consents and callbacks; the world's participant's own notes,
appointments, actions, consents and callbacks; VRCs) and every route is opened again.
Its number of queries must not change."""

from flask import url_for

from portal import clock
from portal.extensions import db
from portal.models import Organisation, Participant, User
from tests.factories import Factory
from tests.registry import ROLES, value_of
from tests.support import database
from tests.support.matrix import CASES, client_for, send, world  # noqa: F401 - world: a fixture
from tests.support.queries import statements

GROWTH = 9  # rows of each kind added after the first: N, then 10N


def _grow(world, times: int) -> None:
    make = Factory()
    home = db.session.get(Organisation, world.home.id)
    vrc = db.session.get(User, world.users["vrc"].id)
    participant = db.session.get(Participant, world.participant.id)
    worker = db.session.get(User, world.users["ooh"].id)
    for _ in range(times):
        make.user(home, ["vrc"])
        other = make.participant(home, vrc)
        make.note(other, vrc)
        make.appointment(other, starts_at=clock.now())
        make.note(participant, vrc)
        make.appointment(participant, starts_at=clock.now())
        make.action(participant)
        make.ooh_callback(other, worker)
        make.ooh_callback(participant, worker)
        make.consent(other, "gp_contact", recorded_by=vrc)
        make.consent(participant, "employer_contact", recorded_by=vrc)
    db.session.commit()


def _opened(app, world):
    """The GET cases, each with the URL and the first role that gets a 200."""
    found = []
    for case in CASES:
        if case.method != "GET":
            continue
        rule = next(r for r in app.url_map.iter_rules(case.endpoint))
        args = dict(value_of(case.args, world) or {})
        if "org" in rule.arguments:
            args.setdefault("org", world.home.slug)
        with app.test_request_context():
            url = url_for(case.endpoint, **args)
        api = url.startswith(("/api/", "/oauth/"))
        role = next((r for r in ROLES if case.expected(r, api) == 200), None)
        if role is not None and not api:
            found.append((case, url, role))
    return found


def _queries(app, world, case, url, role) -> int:
    client = client_for(app, world, role)
    send(client, case, url, world, False)  # a session's first page writes its own rows
    with app.app_context(), statements() as seen:
        response = send(client, case, url, world, False)
    assert response.status_code == 200, (case.endpoint, role, response.status_code)
    session_reads = [q for q in seen if q.startswith("SELECT") and "FROM staff_session" in q]
    assert len(session_reads) <= 1, (case.endpoint, session_reads)  # the session is read once a request
    return len(seen)


def test_no_page_takes_more_queries_as_the_data_grows(app, world):
    pages = _opened(app, world)
    assert len(pages) > 80
    with database.rolled_back(app):
        with app.app_context():
            _grow(world, 1)  # one of each kind first: a page may take a query more for some than for none
        for case, url, role in pages:  # and the rows that opening the pages writes (out-of-hours log events...)
            _queries(app, world, case, url, role)
        before = {case.endpoint + " " + case.note: _queries(app, world, case, url, role) for case, url, role in pages}
        with app.app_context():
            _grow(world, GROWTH)
        after = {case.endpoint + " " + case.note: _queries(app, world, case, url, role) for case, url, role in pages}
    grew = {page: (before[page], after[page]) for page in before if after[page] > before[page]}
    assert not grew, f"queries grew with the data (before, after): {grew}"
