"""Issue 15, item 4: an overdue request cannot be rewound. After the due date, any change
that would make it later is refused with a clear message and the request stays overdue:
an extension, a later identity-evidence date, a clarification stop recorded late, an
extension notice dated after the deadline. Each path through the pages (the form comes
back with a GOV.UK error, the input kept), and the class: no clock change on an overdue
request, whatever its dates, makes the due date later. Plus the DPO's table by month."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal import clock, deadlines
from portal.extensions import db
from portal.rights import clock_changes, rights_clock, rights_figures, rights_requests, rights_workflows
from portal.validation import Problems
from tests.casework.conftest import errors_of, events, post
from tests.support.queries import statements

pytestmark = pytest.mark.usefixtures("march_4")  # today: Wednesday 4 March 2026

RECEIVED_75_DAYS_AGO = date(2025, 12, 19)  # due Monday 19 January 2026


def _log(world, received_on=RECEIVED_75_DAYS_AGO, identity_needed=False):
    return rights_requests.log_request(
        requester_name="Pat Example",
        requester_contact="pat@example.org",
        what_requested="A copy",
        rights=["access"],
        received_on=received_on,
        channel="email",
        on_behalf=False,
        on_behalf_of="",
        identity_needed=identity_needed,
        identity_asked_for="Photo ID" if identity_needed else "",
        user_id=world.vrc.id,
    )


def _day(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def _refused(response, field_text, *kept):
    assert response.status_code == 200
    errors = errors_of(response)
    assert any("was due on 19 January 2026 and is overdue" in e and "stays overdue" in e for e in errors), errors
    html = response.get_data(as_text=True)
    for text in kept:
        assert text in html, text
    assert field_text in html


def test_the_reported_case_an_extension_75_days_on(world, login):
    found = _log(world)
    assert rights_clock.state_of(found) == deadlines.OVERDUE
    client = login(world.dpo)
    response = post(
        client, f"/dpo/requests/{found.id}/extend", {"reason": "complex", "detail": "Records held by three partners"}
    )
    _refused(response, "Extend the deadline", "Records held by three partners", 'value="complex" checked')
    db.session.expire_all()
    assert found.extension_reason is None and found.due_on == date(2026, 1, 19)
    assert rights_clock.state_of(found) == deadlines.OVERDUE
    assert not events("rights_request.extended")
    assert "Overdue" in client.get(f"/dpo/requests/{found.id}").get_data(as_text=True)


def test_a_later_identity_evidence_date_is_refused(world, login):
    found = _log(world)  # logged as "not needed": the clock ran from receipt
    client = login(world.dpo)
    response = post(
        client,
        f"/dpo/requests/{found.id}/identity",
        {"decision": "proved", "received_on": _day(date(2026, 2, 20)), "method": "Passport by post"},
    )
    _refused(response, "Identity or authority", "Passport by post")
    db.session.expire_all()
    assert found.identity_status == "not_needed" and found.due_on == date(2026, 1, 19)
    # Evidence dated no later than receipt changes nothing, so it is recorded.
    response = post(
        client,
        f"/dpo/requests/{found.id}/identity",
        {"decision": "proved", "received_on": _day(RECEIVED_75_DAYS_AGO), "method": "Passport by post"},
    )
    assert response.status_code == 302, errors_of(response)
    assert rights_clock.state_of(found) == deadlines.OVERDUE


def test_a_clarification_stop_recorded_late_is_refused(world, login):
    found = _log(world)
    client = login(world.dpo)
    for asked in (date(2026, 1, 10), date(2026, 3, 4)):  # back-dated before the due date, or today
        response = post(
            client,
            f"/dpo/requests/{found.id}/clarify",
            {"asked_on": _day(asked), "question": "Which records do you mean?"},
        )
        _refused(response, "Ask what the request covers", "Which records do you mean?", f'value="{asked.day}"')
    db.session.expire_all()
    assert found.stops == [] and rights_clock.state_of(found) == deadlines.OVERDUE


def test_an_extension_notice_dated_after_the_deadline_is_refused(world, login):
    clock.freeze(datetime(2026, 2, 2, 10, tzinfo=UTC))
    found = _log(world, received_on=date(2026, 1, 30))  # one month: Monday 2 March
    clock_changes.extend(found, "complex", "Many records", world.dpo.id)
    assert rights_clock.clock_of(found).due == date(2026, 4, 30)
    clock.freeze(datetime(2026, 3, 4, 10, tzinfo=UTC))
    # Nobody was told by 2 March: the extension lapsed, the request is overdue.
    assert rights_clock.clock_of(found).due == date(2026, 3, 2)
    assert rights_clock.state_of(found) == deadlines.OVERDUE
    client = login(world.dpo)
    response = post(
        client, f"/dpo/requests/{found.id}/extension-notice", {"sent_on": _day(date(2026, 3, 3)), "method": "letter"}
    )
    assert response.status_code == 200
    assert any("had to be told of the extension by 2 March 2026" in e for e in errors_of(response))
    assert 'value="letter" checked' in response.get_data(as_text=True)
    # Dated in time but recorded after the due date: it would still rewind the request.
    response = post(
        client, f"/dpo/requests/{found.id}/extension-notice", {"sent_on": _day(date(2026, 2, 27)), "method": "letter"}
    )
    assert any("was due on 2 March 2026 and is overdue" in e for e in errors_of(response))
    db.session.expire_all()
    assert found.extension_notice_sent_on is None and rights_clock.state_of(found) == deadlines.OVERDUE
    page = client.get(f"/dpo/requests/{found.id}").get_data(as_text=True)
    assert "Overdue" in page and "the extension no longer counts" in page


def test_before_the_due_date_the_same_changes_are_allowed(world):
    found = _log(world, received_on=date(2026, 3, 2))
    clock_changes.stop_clock(found, date(2026, 3, 3), "Which records?", world.dpo.id)
    clock_changes.restart_clock(found, date(2026, 3, 4), "All of them", world.dpo.id)
    clock_changes.extend(found, "complex", "Many records", world.dpo.id)
    clock_changes.record_extension_notice(found, date(2026, 3, 4), "letter", world.dpo.id)
    assert found.due_on == deadlines.response_due(date(2026, 3, 2), months=3, stopped_days=2)


def _changes(world, found, d: date):
    """Every service call that moves a request's clock, on day ``d``."""
    return {
        "extend": lambda: clock_changes.extend(found, "complex", "Many records", world.dpo.id),
        "identity proved": lambda: rights_requests.record_identity(found, "proved", d, "Passport", "", world.dpo.id),
        "identity not needed": lambda: rights_requests.record_identity(
            found, "not_needed", None, "", "Known", world.dpo.id
        ),
        "stop": lambda: clock_changes.stop_clock(found, d, "Which records?", world.dpo.id),
        "notice": lambda: clock_changes.record_extension_notice(found, d, "letter", world.dpo.id),
    }


@pytest.mark.parametrize("change", ["extend", "identity proved", "identity not needed", "stop", "notice"])
def test_no_clock_change_rewinds_an_overdue_request(world, change):
    """The class of the bug: on an overdue request (logged as "not needed", pending
    then proved, or extended then lapsed), every clock change on every day from receipt
    to today is either refused or leaves the due date where it was or earlier."""

    def overdue_requests():
        plain = _log(world)
        proved = _log(world, identity_needed=True)
        rights_requests.record_identity(proved, "proved", date(2025, 12, 22), "Passport", "", world.dpo.id)
        clock.freeze(datetime(2026, 1, 5, 10, tzinfo=UTC))
        lapsed = _log(world, received_on=date(2026, 1, 2))
        clock_changes.extend(lapsed, "numerous", "Three requests", world.dpo.id)
        clock.freeze(datetime(2026, 3, 4, 10, tzinfo=UTC))
        return [plain, proved, lapsed]

    today = clock.today()
    for found in overdue_requests():
        d = found.received_on
        while d <= today:
            before = rights_clock.clock_of(found).due
            assert before < today
            try:
                _changes(world, found, d)[change]()
            except Problems:
                db.session.rollback()
            after = rights_clock.clock_of(found).due
            assert after <= before, (change, found.received_on, d)
            assert rights_clock.state_of(found) == deadlines.OVERDUE
            for _stop in [s for s in found.stops if s.answered_on is None]:
                clock_changes.restart_clock(found, today, "Answered", world.dpo.id)  # never later
            d += timedelta(days=7)


def test_a_response_dated_by_the_due_date_but_recorded_after_it_needs_a_reason(world, login):
    """Closing an overdue request with a response date on or before its due date is a
    claim that it was answered on time: it needs a reason, kept and shown, so an overdue
    request never quietly becomes "answered on time"."""
    found = _log(world)  # due 19 January, overdue
    rights_workflows.record_no_data(found, world.dpo.id)
    client = login(world.dpo)
    data = {"outcome": "done", "response_sent_on": _day(date(2026, 1, 12)), "response_method": "email"}
    response = post(client, f"/dpo/requests/{found.id}/close", data)
    assert response.status_code == 200
    assert any("recorded only now" in e and "19 January 2026" in e for e in errors_of(response)), errors_of(response)
    assert 'value="12"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert found.status == "open"
    response = post(
        client,
        f"/dpo/requests/{found.id}/close",
        {**data, "late_reason": "Sent on 12 January; the case file was found today"},
    )
    assert response.status_code == 302, errors_of(response)
    db.session.expire_all()
    assert found.status == "closed" and found.response_late_reason.startswith("Sent on 12 January")
    assert events("rights_request.closed")[-1].detail["recorded_late"] is True
    page = client.get(f"/dpo/requests/{found.id}").get_data(as_text=True)
    assert "Recorded after the due date" in page and "the case file was found today" in page
    # A response dated after the due date is simply late: no reason asked.
    late = _log(world)
    rights_workflows.record_no_data(late, world.dpo.id)
    rights_requests.close(late, "done", "", "", date(2026, 3, 2), "email", world.dpo.id)
    assert late.status == "closed" and late.response_late_reason == ""


def test_identity_failing_does_not_wipe_a_running_clock(world):
    """A request whose clock ran (no evidence asked for at first) and is overdue, then
    closed because identity is not proved: still judged late, never "no clock"; one that
    waited for evidence from the start never had a clock."""
    running = _log(world)  # due 19 January, overdue
    rights_requests.record_identity(
        running,
        "failed",
        None,
        "",
        "The ID was someone else's",
        world.dpo.id,
        response_sent_on=date(2026, 3, 3),
        response_method="letter",
    )
    assert running.status == "closed" and running.identity_status == "failed"
    assert rights_clock.clock_of(running).due == date(2026, 1, 19)
    waited = _log(world, identity_needed=True)
    rights_requests.record_identity(
        waited,
        "failed",
        None,
        "",
        "No reply",
        world.dpo.id,
        response_sent_on=date(2026, 3, 3),
        response_method="letter",
    )
    assert waited.clock_start is None
    december = {f.month.key: f for f in rights_figures.monthly(clock.today()).months}["2025-12"]
    assert (december.received, december.late, december.no_clock) == (2, 1, 1)


# ----------------------------------------------------------------- the DPO's table by month


def _answer(found, sent_on, world):
    rights_workflows.record_no_data(found, world.dpo.id)
    rights_requests.close(
        found, "done", "", "", sent_on, "email", world.dpo.id, late_reason="Recorded from the paper file"
    )  # asked for only when dated by the due date


def test_dpo_home_table_by_month(world, login):
    on_time = _log(world, received_on=date(2026, 1, 5))
    _answer(on_time, date(2026, 2, 5), world)  # due 5 February
    late = _log(world, received_on=date(2026, 1, 6))
    _answer(late, date(2026, 2, 9), world)  # due 6 February
    overdue = _log(world, received_on=date(2026, 1, 20))  # due 20 February, open
    fresh = _log(world, received_on=date(2026, 3, 2))  # open, due 2 April
    waiting = _log(world, received_on=date(2026, 3, 3), identity_needed=True)
    not_proved = _log(world, received_on=date(2026, 2, 10), identity_needed=True)
    rights_requests.record_identity(
        not_proved,
        "failed",
        None,
        "",
        "No reply",
        world.dpo.id,
        response_sent_on=date(2026, 3, 3),
        response_method="letter",
    )
    old = _log(world, received_on=date(2025, 1, 6))  # before the 12 months shown, still overdue
    figures = rights_figures.monthly(clock.today())
    rows = {f.month.key: f for f in figures.months}
    assert [f.month.key for f in figures.months][:3] == ["2026-03", "2026-02", "2026-01"] and len(rows) == 12
    january, february, march = rows["2026-01"], rows["2026-02"], rows["2026-03"]
    assert (january.received, january.on_time, january.late, january.overdue) == (3, 1, 1, 1)
    assert (february.received, february.no_clock) == (1, 1)
    assert (march.received, march.not_yet_due) == (2, 2)
    assert figures.earlier_overdue == 1
    assert {fresh.id, waiting.id, overdue.id, old.id}  # all logged
    page = login(world.dpo).get("/dpo/").get_data(as_text=True)
    table = page.split('id="by-month"')[1].split("</table>")[0]
    assert "Rights requests by month received" in table and "January 2026" in table
    assert table.index("March 2026") < table.index("January 2026")
    assert "received before April 2025 still overdue" in page


def _queries(call) -> int:
    with statements() as seen:
        call()
    return len(seen)


def test_the_table_takes_the_same_queries_for_any_number_of_requests(app, world, login):
    client = login(world.dpo)

    def add(n):
        for k in range(n):
            found = _log(world, received_on=date(2026, 1, 1) + timedelta(days=k))
            if k % 3 == 0:  # a clarification asked and answered in time
                clock.freeze(
                    datetime.combine(found.received_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
                    + timedelta(hours=10)
                )
                clock_changes.stop_clock(found, found.received_on, "Which?", world.dpo.id)
                clock_changes.restart_clock(found, clock.today(), "All", world.dpo.id)
                clock.freeze(datetime(2026, 3, 4, 10, tzinfo=UTC))
            if k % 3 == 1:
                _answer(found, found.received_on + timedelta(days=20), world)
        db.session.expire_all()

    def page():
        with app.app_context():  # a session of its own, as every request has outside a test
            assert client.get("/dpo/").status_code == 200

    add(2)
    page()  # the session's first page writes its own rows; count a steady page
    service_few, page_few = _queries(lambda: rights_figures.monthly(clock.today())), _queries(page)
    add(25)
    page()
    service_many, page_many = _queries(lambda: rights_figures.monthly(clock.today())), _queries(page)
    assert service_few == service_many <= 2
    assert page_few == page_many
