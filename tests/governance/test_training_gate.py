"""Rule 9: staff whose data protection training is more than 12 months old cannot open
participant records. Walks every participant route of the route registry, GET and
POST (a POST with one role; URLs holding /participants/, the API aside, and the
organisation's caseload, team, referral, out-of-hours and callback pages), with a
lapsed VRC, team manager and out-of-hours worker of h2e, and expects the gate page
saying why and whom to ask (the organisation's admin, by name). Then walks every
/dpo/ route with a lapsed DPO: each opens participant data (the gate page) or is
named below as a page that shows none (reached as usual, and proved to write no
participant view to the audit trail when a trained DPO opens it)."""

from dateutil.relativedelta import relativedelta
from flask import url_for
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Participant, User
from tests.registry import all_cases, value_of
from tests.support.matrix import client_for, world  # noqa: F401 - world: a fixture, built once per module
from tests.support.web import csrf_from

CASES = all_cases()

LAPSED_ROLES = ("vrc", "team_manager", "ooh")
# Pages under /<org>/ that list or change participants without /participants/ in the URL.
LIST_PREFIXES = ("/<org>/caseload", "/<org>/team/", "/<org>/referrals/", "/<org>/ooh-log", "/<org>/callbacks/", "/ooh/")


def _participant_cases(app):
    found = []
    for case in CASES:
        rule = next(r for r in app.url_map.iter_rules(case.endpoint) if case.method in r.methods)
        if rule.rule.startswith(("/dpo/", "/api/")):  # the DPO's: below
            continue
        if "/participants/" in rule.rule:
            found.append((case, rule, (404,)))
        elif rule.rule.startswith(LIST_PREFIXES):
            found.append((case, rule, (403, 404)))  # a role without the permission is refused by it
    return found


def test_every_participant_route_shows_the_training_gate(app, world):
    cases = _participant_cases(app)
    assert len(cases) > 60, "the registry should hold many participant routes"
    assert {c.method for c, _, _ in cases} == {"GET", "POST"}
    failures, checked = [], 0
    with app.app_context():
        lapsed_on = clock.today() - relativedelta(months=12, days=1)
        for role in LAPSED_ROLES:
            db.session.get(User, world.users[role].id).dp_training_completed_on = lapsed_on
        db.session.commit()
        admin_name = world.users["admin"].name
        clients = {role: client_for(app, world, role) for role in LAPSED_ROLES}
        tokens = {role: csrf_from(clients[role].get("/")) for role in LAPSED_ROLES}
        for case, rule, skipped in cases:
            args = dict(value_of(case.args, world) or {})
            if "org" in rule.arguments:
                args.setdefault("org", world.home.slug)
            with app.test_request_context():
                url = url_for(case.endpoint, **args)
            roles = [r for r in LAPSED_ROLES if case.expected(r, False) not in skipped]
            # (the 404 comes first, no leak; or the role may not do this at all).
            # A POST is refused before its form is read: one role is enough.
            for role in roles if case.method == "GET" else roles[:1]:
                checked += 1
                if case.method == "GET":
                    response = clients[role].get(url)
                else:
                    data = {**(value_of(case.data, world) or {}), "csrf_token": tokens[role]}
                    response = clients[role].open(url, method=case.method, data=data)
                html = response.get_data(as_text=True)
                if response.status_code != 403 or "data protection training" not in html or admin_name not in html:
                    failures.append(f"{role}: {response.status_code} {case.method} {url}")
    assert not failures, "\n".join(failures)
    assert checked > 100


# The DPO's pages that open no participant record, so a DPO whose training has lapsed
# still reaches them (every other /dpo/ page is gated: a new one fails here until it is
# marked with participant_access.reads_participant_data or named here with its reason).
DPO_PAGES_WITHOUT_PARTICIPANT_DATA = {
    # Rights requests as logged (requester's own words, dates, deadlines): the statutory
    # clock keeps running and is managed without opening the record; the record itself,
    # the participant search, rectification, portability, access and erasure are gated.
    "dpo.requests.home": "counts of requests by state",
    "dpo.requests.requests": "the requests as logged, by due date",
    "dpo.requests.show": "a request as logged; its record link is gated",
    "dpo.requests.identity": "identity evidence received",
    "dpo.requests.clarify": "clarification stops",
    "dpo.requests.answer": "clarification answered",
    "dpo.requests.extend": "deadline extension",
    "dpo.requests.extension_notice": "extension notice sent",
    "dpo.requests.dwp": "DWP informed",
    "dpo.requests.notice": "privacy notice version sent",
    "dpo.requests.restrict": "restriction protects the person; it opens nothing",
    "dpo.requests.lift_restriction": "lifting a restriction opens nothing",
    "dpo.requests.objection": "objection recorded; it opens nothing",
    "dpo.requests.close": "outcome recorded",
    "dpo.requests.complaints": "complaints register",
    "dpo.requests.new_complaint": "complaint intake",
    "dpo.requests.complaint": "a complaint",
    "dpo.governance.breach_register": "breach register",
    "dpo.governance.breach": "a breach",
    "dpo.governance.decide_breach": "ICO decision",
    "dpo.governance.follow_up_breach": "breach follow-up",
    "dpo.governance.audit_search_page": "audit events hold ids only (rule 10)",
    "dpo.governance.audit_verify": "chain verification",
    "dpo.privacy.notices": "privacy notice versions",
    "dpo.privacy.notice": "a privacy notice",
    "dpo.privacy.new_notice": "a new privacy notice",
    "dpo.privacy.edit_notice": "a draft privacy notice",
    "dpo.privacy.publish_notice": "publishing a notice",
    "dpo.privacy.authority_requests_list": "authorities and reasons; the request page is gated",
    "dpo.retention.rules": "retention periods",
    "dpo.retention.edit_rule": "a retention period",
    "dpo.retention.holds": "legal holds by reference",
    "dpo.retention.new_hold": "a legal hold",
    "dpo.retention.lift_hold": "lifting a legal hold",
    "dpo.retention.lists": "destruction lists (kinds and ids)",
    "dpo.retention.build": "building a destruction list",
    "dpo.retention.destruction_list": "a destruction list (kinds and ids)",
    "dpo.retention.approve": "approving destruction",
    "dpo.retention.destroy": "destroying approved items",
    "dpo.retention.certificate": "destruction certificate (kinds and ids)",
    "dpo.retention.checkpoint": "audit checkpoint",
}
# Audit actions that say a page showed participants (portal.access.participant_access).
PARTICIPANT_VIEWS = ("participant.viewed", "participants.listed")


def _dpo_cases(app):
    found = []
    for case in CASES:
        rule = next(r for r in app.url_map.iter_rules(case.endpoint) if case.method in r.methods)
        if rule.rule.startswith("/dpo/") and case.expected("dpo", False) != 404:
            found.append((case, rule))
    return found


def _url(app, case, world):
    with app.test_request_context():
        return url_for(case.endpoint, **dict(value_of(case.args, world) or {}))


def _open(client, case, url, world, token):
    if case.method == "GET":
        return client.get(url)
    data = {**(value_of(case.data, world) or {}), "csrf_token": token}
    return client.open(url, method=case.method, data=data)


def test_every_dpo_route_is_gated_or_shows_no_participant_data(app, world):
    """The gate covers every role that reads participant data, the DPO included: with
    the DPO's training lapsed, the record (every tab), the access package, erasure,
    portability, rectification, the participant search, the override review, the
    authority request, the out-of-hours log and "who viewed" answer the gate page."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/dpo/")}
    marked = {e for e in endpoints if getattr(app.view_functions[e], "reads_participant_data", False)}
    assert not (marked & set(DPO_PAGES_WITHOUT_PARTICIPANT_DATA)), "marked as reading participant data, yet named free"
    unjudged = endpoints - marked - set(DPO_PAGES_WITHOUT_PARTICIPANT_DATA)
    assert not unjudged, f"/dpo/ routes neither gated nor named as showing no participant data: {sorted(unjudged)}"
    assert {"dpo.rights.participant_record", "dpo.governance.viewers"} <= marked
    cases = _dpo_cases(app)
    failures, gated = [], set()
    with app.app_context():
        db.session.get(User, world.users["dpo"].id).dp_training_completed_on = clock.today() - relativedelta(
            months=12, days=1
        )
        db.session.commit()
        admin_name = world.users["lead_admin"].name  # the admin of the DPO's organisation
        client = client_for(app, world, "dpo")
        token = csrf_from(client.get("/"))
        for case, _rule in cases:
            url = _url(app, case, world)
            response = _open(client, case, url, world, token)
            html = response.get_data().decode(errors="replace")  # downloads are binary
            refused = response.status_code == 403 and "data protection training" in html
            if case.endpoint in marked:
                gated.add(case.endpoint)
                if not (refused and admin_name in html):
                    failures.append(f"not gated: {response.status_code} {case.method} {url}")
            elif refused or response.status_code >= 500:
                failures.append(f"free page refused: {response.status_code} {case.method} {url}")
        # The record's tabs (the health tab above all) beyond the registry's sample.
        participant_record = next(c for c, _ in cases if c.endpoint == "dpo.rights.participant_record")
        for tab in ("health", "case-notes", "consents"):
            url = _url(app, participant_record, world).rstrip("/").split("/record")[0] + f"/record/{tab}"
            response = client.get(url)
            if response.status_code != 403 or "data protection training" not in response.get_data(as_text=True):
                failures.append(f"tab not gated: {response.status_code} {url}")
    assert not failures, "\n".join(failures)
    assert gated == marked - {e for e in marked if not any(c.endpoint == e for c, _ in cases)}


def test_dpo_pages_named_free_write_no_participant_view(app, world):
    """The pages a lapsed DPO still reaches show no participant: opened by a trained
    DPO, none writes a participant view (or list) to the audit trail."""
    failures = []
    with app.app_context():
        client = client_for(app, world, "dpo")
        for case, _ in _dpo_cases(app):
            if case.method != "GET" or case.endpoint not in DPO_PAGES_WITHOUT_PARTICIPANT_DATA:
                continue
            url = _url(app, case, world)
            before = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
            response = client.get(url)
            views = db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.seq > before, AuditEvent.action.in_(PARTICIPANT_VIEWS))
            )
            if response.status_code >= 500 or views:
                failures.append(f"{response.status_code} {url}: {views} participant views")
            db.session.rollback()
    assert not failures, "\n".join(failures)


def test_a_dpo_trained_in_2020_cannot_open_a_record_but_keeps_the_clock(app, world):
    """The reported case: the DPO's training dated 2020. The linked record, its health
    tab and "who viewed" answer the gate page (audited as a refusal, nothing viewed);
    the dashboard, the requests and a request's own page still answer."""
    from datetime import date

    with app.app_context():
        db.session.get(User, world.users["dpo"].id).dp_training_completed_on = date(2020, 3, 1)
        db.session.commit()
        client = client_for(app, world, "dpo")
        request_id = world.rights_request.id
        before = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
        for url in (
            f"/dpo/requests/{request_id}/record",
            f"/dpo/requests/{request_id}/record/health",
            f"/dpo/audit/participants/{world.participant.id}/viewers",
        ):
            response = client.get(url)
            html = response.get_data(as_text=True)
            assert response.status_code == 403, url
            assert "Your data protection training needs renewing" in html and "1 March 2020" in html
            assert world.users["lead_admin"].name in html
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq > before)).all()
        assert actions.count("access.refused.training") == 3
        assert not {"participant.viewed", "audit.viewers_listed"} & set(actions)
        for url in ("/dpo/", "/dpo/requests", f"/dpo/requests/{request_id}"):
            assert client.get(url).status_code == 200, url
        # The request's page names no linked participant until the training is renewed.
        participant = db.session.get(Participant, world.rights_request.participant_id)
        assert participant is not None
        page = client.get(f"/dpo/requests/{request_id}").get_data(as_text=True)
        assert participant.last_name not in page and participant.atw_reference not in page
        assert "shows once your data protection training is renewed" in page
        db.session.get(User, world.users["dpo"].id).dp_training_completed_on = date.today()
        db.session.commit()
        page = client.get(f"/dpo/requests/{request_id}").get_data(as_text=True)
        assert participant.last_name in page and participant.atw_reference in page
