"""Contract areas: postcode area → delivering organisation, with history and audit."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, ContractArea, ContractAreaChange
from portal.referrals import contract_areas
from tests.factories import sign_in
from tests.support.web import csrf_from


@pytest.mark.parametrize(
    "postcode, area",
    [
        ("LS1 4AP", "LS"),
        ("ls1 4ap", "LS"),
        ("M1 1AE", "M"),
        ("EH1 1YZ", "EH"),
        ("W1A 1AA", "W"),
        ("  sw1a  2aa ", "SW"),
        ("L S 1 4AP", "LS"),
        ("EC1A1BB", "EC"),
        ("B", "B"),
        ("", ""),
        (None, ""),
        ("123", ""),
        ("G2", "G"),
    ],
)
def test_postcode_area_is_the_leading_letters_of_the_outward_code(postcode, area):
    assert contract_areas.postcode_area(postcode) == area


@pytest.fixture
def orgs(make):
    lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    h2e = make.org("h2e", name="Health 2 Employment")
    salus = make.org("salus", name="Salus")
    dwp = make.org("dwp", kind="commissioner", name="DWP")
    return lead, h2e, salus, dwp


def test_org_for_postcode_routes_by_area_and_none_when_unallocated(orgs):
    lead, h2e, salus, _ = orgs
    contract_areas.add_area("LS", h2e.id)
    contract_areas.add_area("l", lead.id)
    assert contract_areas.org_for_postcode("LS6 2AB").id == h2e.id
    assert contract_areas.org_for_postcode("l1 8jq").id == lead.id
    assert contract_areas.org_for_postcode("LN2 1AA") is None  # not in the table
    assert contract_areas.org_for_postcode("") is None
    assert contract_areas.org_for_postcode("not a postcode 12") is None


def test_every_change_keeps_history_and_is_audited(orgs, make):
    lead, h2e, salus, _ = orgs
    admin = make.user(lead, ["admin"])
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    contract_areas.add_area("LS", h2e.id, user_id=admin.id)
    clock.advance(timedelta(days=1))
    contract_areas.change_area("ls", salus.id, user_id=admin.id)
    clock.advance(timedelta(days=1))
    contract_areas.remove_area("LS", user_id=admin.id)

    changes = contract_areas.history("LS")
    assert [(c.kind, c.from_org_id, c.to_org_id, c.user_id) for c in changes] == [
        ("removed", salus.id, None, admin.id),
        ("changed", h2e.id, salus.id, admin.id),
        ("added", None, h2e.id, admin.id),
    ]
    assert changes[0].at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert db.session.scalars(select(ContractArea)).all() == []
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "contract_area").order_by(AuditEvent.seq)
    ).all()
    assert [e.action for e in events] == ["contract_area.added", "contract_area.changed", "contract_area.removed"]
    assert all(e.object_id == "LS" and e.user_id == admin.id for e in events)
    assert events[1].detail["from_org_id"] == h2e.id and events[1].detail["to_org_id"] == salus.id


@pytest.mark.parametrize(
    "area, message",
    [
        ("", "Enter a postcode area"),
        ("LS1", "Enter the postcode area only"),
        ("LSX", "Enter the postcode area only"),
        ("QQ", "QQ is not a UK postcode area"),
    ],
)
def test_invalid_areas_are_refused(orgs, area, message):
    with pytest.raises(contract_areas.ContractAreaProblem) as problem:
        contract_areas.add_area(area, orgs[1].id)
    assert problem.value.field == "area" and message in problem.value.message
    assert db.session.scalars(select(ContractAreaChange)).all() == []


def test_only_lead_and_delivery_organisations_deliver(orgs):
    lead, h2e, salus, dwp = orgs
    for org_id in (dwp.id, 99999, "x", None, 0, -1, 2**31, "99999999999999999999999"):
        with pytest.raises(contract_areas.ContractAreaProblem) as problem:
            contract_areas.add_area("LS", org_id)
        assert problem.value.field == "organisation"
    contract_areas.add_area("LS", h2e.id)
    with pytest.raises(contract_areas.ContractAreaProblem):
        contract_areas.change_area("LS", dwp.id)


def test_an_area_is_added_once_and_a_change_must_change(orgs):
    lead, h2e, salus, _ = orgs
    contract_areas.add_area("LS", h2e.id)
    with pytest.raises(contract_areas.ContractAreaProblem) as problem:
        contract_areas.add_area(" ls ", salus.id)
    assert "already delivered by Health 2 Employment" in problem.value.message
    with pytest.raises(contract_areas.ContractAreaProblem) as problem:
        contract_areas.change_area("LS", h2e.id)
    assert problem.value.field == "organisation"
    with pytest.raises(LookupError):
        contract_areas.change_area("BD", h2e.id)
    with pytest.raises(LookupError):
        contract_areas.remove_area("BD")
    assert len(contract_areas.history()) == 1


def test_demo_seed_is_idempotent_and_leaves_areas_unallocated(app_ctx):
    from portal import demo

    demo.seed()
    first = {(a.area, a.org_id) for a in contract_areas.all_areas()}
    changes = len(contract_areas.history())
    assert len(first) > 50
    slugs = {a.organisation.slug for a in contract_areas.all_areas()}
    assert slugs == {"ingeus", "h2e", "case-uk", "salus", "tbhg"}
    assert {"ZE", "HS", "LN"} <= set(contract_areas.unallocated_areas())
    # A hand-made change survives a second seed.
    salus = contract_areas.org_for_postcode("CF10 1AA")
    contract_areas.change_area("LS", salus.id)
    demo.seed()
    assert contract_areas.org_for_postcode("LS1 4AP").id == salus.id
    assert len(contract_areas.history()) == changes + 1
    assert len(contract_areas.all_areas()) == len(first)


# --- the pages -------------------------------------------------------------------------


@pytest.fixture
def lead_admin_client(app, client, orgs, make):
    admin = make.user(orgs[0], ["admin"])
    sign_in(client, admin)
    return client


def test_lead_admin_adds_changes_removes_and_sees_history(lead_admin_client, orgs):
    client = lead_admin_client
    lead, h2e, salus, _ = orgs
    page = client.get("/admin/contract-areas/add")
    assert page.status_code == 200
    response = client.post(
        "/admin/contract-areas/add",
        data={"csrf_token": csrf_from(page), "area": "ls", "organisation": str(h2e.id)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "LS is now delivered by Health 2 Employment" in body
    assert "LN" in body  # still in the unallocated list

    page = client.get("/admin/contract-areas/LS/change")
    assert 'value="%d" checked' % h2e.id in page.get_data(as_text=True)
    response = client.post(
        "/admin/contract-areas/LS/change",
        data={"csrf_token": csrf_from(page), "organisation": str(salus.id)},
        follow_redirects=True,
    )
    assert "LS is now delivered by Salus" in response.get_data(as_text=True)

    page = client.get("/admin/contract-areas/LS/remove")
    response = client.post(
        "/admin/contract-areas/LS/remove", data={"csrf_token": csrf_from(page)}, follow_redirects=True
    )
    assert "LS has been removed" in response.get_data(as_text=True)
    assert contract_areas.get_area("LS") is None

    history = client.get("/admin/contract-areas/history?area=ls").get_data(as_text=True)
    assert "Moved from Health 2 Employment to Salus" in history
    assert "Added, delivered by Health 2 Employment" in history
    assert "Removed from Salus" in history
    assert client.get("/admin/contract-areas/LS/change").status_code == 404


def test_errors_are_summarised_and_input_kept(lead_admin_client, orgs):
    client = lead_admin_client
    lead, h2e, salus, dwp = orgs
    page = client.get("/admin/contract-areas/add")
    response = client.post(
        "/admin/contract-areas/add", data={"csrf_token": csrf_from(page), "area": "QQ", "organisation": str(h2e.id)}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "QQ is not a UK postcode area" in body
    assert 'value="QQ"' in body and 'value="%d" checked' % h2e.id in body
    assert "<title>Error:" in body

    response = client.post("/admin/contract-areas/add", data={"csrf_token": csrf_from(page), "area": "ZZ"})
    body = response.get_data(as_text=True)
    assert "ZZ is not a UK postcode area" in body and "Select the organisation" in body  # both at once
    response = client.post("/admin/contract-areas/add", data={"csrf_token": csrf_from(page), "area": "LS"})
    body = response.get_data(as_text=True)
    assert "Select the organisation that delivers in this area" in body and 'value="LS"' in body

    response = client.post(
        "/admin/contract-areas/add", data={"csrf_token": csrf_from(page), "area": "LS", "organisation": str(dwp.id)}
    )
    assert "Select the organisation that delivers in this area" in response.get_data(as_text=True)
    assert contract_areas.all_areas() == []


def test_forms_need_the_csrf_token(lead_admin_client, orgs):
    response = lead_admin_client.post("/admin/contract-areas/add", data={"area": "LS", "organisation": str(orgs[1].id)})
    assert response.status_code == 400
    assert contract_areas.all_areas() == []


def test_other_admins_are_refused(client, orgs, make):
    sign_in(client, make.user(orgs[1], ["admin"]))
    assert client.get("/admin/contract-areas/").status_code == 403
