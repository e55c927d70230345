"""Issue 15, item 2: nothing is disclosed to a requester before their identity (or
authority) is verified — the access package release, the portability export and an
outcome that discloses are refused by the service unless identity is proved, or the DPO
recorded "not needed" with a reason; a `failed` outcome closes the request; the pages say
why and link to the identity step; the one-off check puts past disclosures on the DPO's
review list."""

import ast
import pathlib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.consent import authority_requests
from portal.extensions import db
from portal.models import AccessPackage, Disclosure, DisclosureReview, Notification, User
from portal.models.rights import PortabilityExport
from portal.rights import access_packages, portability, rights_identity, rights_requests, rights_workflows
from portal.rights.rights_disclosure_check import recheck_identity_disclosures
from portal.validation import Problems
from tests.casework.conftest import errors_of, events, post

pytestmark = pytest.mark.usefixtures("march_4")


def _log(world, *, identity_needed, user=None, rights=("access", "portability")):
    found = rights_requests.log_request(
        requester_name="Pat Example",
        requester_contact="pat@example.org",
        what_requested="A copy of everything",
        rights=list(rights),
        received_on=date(2026, 3, 2),
        channel="email",
        on_behalf=False,
        on_behalf_of="",
        identity_needed=identity_needed,
        identity_asked_for="Photo ID" if identity_needed else "",
        user_id=(user or world.vrc).id,
    )
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    return found


def _built(found, dpo) -> AccessPackage:
    package = access_packages.start_package(found, dpo.id)  # building discloses nothing: allowed
    db.session.refresh(package)
    assert package.status == "ready"
    return package


def _disclosures() -> int:
    return db.session.scalar(select(func.count(Disclosure.id)))


def _disclosing_paths(found, dpo):
    package = _built(found, dpo)
    return {
        "release": lambda: access_packages.release(package, dpo.id),
        "portability": lambda: portability.create_portability_export(found, dpo.id),
        "close done": lambda: rights_requests.close(found, "done", "", "", date(2026, 3, 4), "email", dpo.id),
        "close partly done": lambda: rights_requests.close(
            found,
            "partly_done",
            "Third-party data withheld",
            "DPA 2018 Sch. 2 para. 16",
            date(2026, 3, 4),
            "email",
            dpo.id,
        ),
    }


@pytest.mark.parametrize("path", ["release", "portability", "close done", "close partly done"])
@pytest.mark.parametrize("identity", ["pending", "not needed, said by the VRC who logged it"])
def test_every_disclosure_waits_for_identity(world, path, identity):
    """The reported case (identity pending) and its cousin (a colleague logging the
    request with identity "not needed"), on every path that discloses."""
    found = _log(world, identity_needed=identity == "pending")
    before = _disclosures()
    with pytest.raises(rights_identity.IdentityNotVerified) as refused:
        _disclosing_paths(found, world.dpo)[path]()
    assert "identity" in refused.value.message
    assert _disclosures() == before and found.status == "open"
    assert db.session.scalar(select(func.count(PortabilityExport.id))) == 0
    assert db.session.scalars(select(AccessPackage.status)).all() == ["ready"]
    refusal = events("rights_request.disclosure_refused")[-1]
    assert refusal.outcome == "refused" and refusal.object_id == str(found.id)


@pytest.mark.parametrize("path", ["release", "portability", "close done", "close partly done"])
@pytest.mark.parametrize("decision", ["proved", "not_needed"])
def test_every_disclosure_goes_once_verified(world, path, decision):
    found = _log(world, identity_needed=decision == "proved")
    rights_requests.record_identity(
        found,
        decision,
        date(2026, 3, 3),
        "Passport copy by post",
        "Known to the DPO: asked in person at the office",
        world.dpo.id,
    )
    assert found.identity_verified and found.identity_decided_by_id == world.dpo.id
    _disclosing_paths(found, world.dpo)[path]()
    assert path.startswith("close") or _disclosures() == 1


def test_only_the_dpo_waives_identity_and_only_with_a_reason(world):
    found = _log(world, identity_needed=False)
    assert found.identity_status == "not_needed" and not found.identity_verified
    with pytest.raises(authority_requests.NotTheDpo):
        rights_requests.record_identity(found, "not_needed", None, "", "I know them", world.vrc.id)
    with pytest.raises(Problems) as problems:
        rights_requests.record_identity(found, "not_needed", None, "", "  ", world.dpo.id)
    assert [p.field for p in problems.value.problems] == ["reason"]
    rights_requests.record_identity(found, "not_needed", None, "", "Asked in person, known to the VRC", world.dpo.id)
    assert found.identity_verified and found.identity_reason == "Asked in person, known to the VRC"
    assert events("rights_request.identity_not_needed")[-1].user_id == world.dpo.id
    with pytest.raises(Problems):  # a VRC's "not needed" is not a reason either
        rights_requests.record_identity(_log(world, identity_needed=False), "nonsense", None, "", "", world.dpo.id)


def test_identity_not_proved_closes_the_request(world):
    found = _log(world, identity_needed=True)
    with pytest.raises(Problems) as problems:
        rights_requests.record_identity(found, "failed", None, "", "", world.dpo.id)
    assert {p.field for p in problems.value.problems} == {"reason", "response_sent_on", "response_method"}
    rights_requests.record_identity(
        found,
        "failed",
        None,
        "",
        "The ID sent was someone else's",
        world.dpo.id,
        response_sent_on=date(2026, 3, 4),
        response_method="letter",
    )
    assert found.identity_status == "failed" and found.status == "closed" and found.outcome == "refused"
    assert found.outcome_reason == "The ID sent was someone else's" and "Articles 11(2) and 12(2)" in found.exemption
    assert found.clock_start is None and found.closed_by_id == world.dpo.id
    with pytest.raises(rights_requests.RequestClosed):
        portability.create_portability_export(found, world.dpo.id)
    proved = _log(world, identity_needed=True)
    rights_requests.record_identity(proved, "proved", date(2026, 3, 3), "Passport", "", world.dpo.id)
    with pytest.raises(Problems, match="already proved"):
        rights_requests.record_identity(
            proved,
            "failed",
            None,
            "",
            "Changed my mind",
            world.dpo.id,
            response_sent_on=date(2026, 3, 4),
            response_method="letter",
        )


def test_outcomes_that_disclose_nothing_need_no_identity(world):
    notice_only = _log(world, identity_needed=True, rights=("informed",))
    rights_requests.close(notice_only, "done", "", "", date(2026, 3, 4), "email", world.dpo.id)
    refused = _log(world, identity_needed=True)
    rights_requests.close(
        refused, "refused", "Manifestly unfounded", "UK GDPR Article 12(5)", date(2026, 3, 4), "email", world.dpo.id
    )
    assert notice_only.status == refused.status == "closed"


def test_every_service_that_discloses_to_the_requester_checks_identity():
    """The class of the bug: any service function that records a disclosure to the data
    subject (an access package, a rights request's answer) calls
    ``require_identity_verified`` first. A new path that forgets fails here."""
    root = pathlib.Path(__file__).resolve().parents[2] / "portal"
    offenders, found = [], []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
            names = {getattr(c.func, "attr", getattr(c.func, "id", None)) for c in calls}
            to_requester = any(
                getattr(c.func, "attr", getattr(c.func, "id", None)) == "record_disclosure"
                and any(
                    k.arg == "source"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value in ("access_package", "rights_request")
                    for k in c.keywords
                )
                for c in calls
            )
            if to_requester:
                found.append(f"{path.name}:{node.name}")
                if "require_identity_verified" not in names:
                    offenders.append(f"{path.name}:{node.name}")
    assert sorted(found) == ["access_packages.py:release", "portability.py:create_portability_export"]
    assert offenders == []


# ----------------------------------------------------------------- the pages


def test_pages_say_why_and_link_to_the_identity_step(world, login):
    found = _log(world, identity_needed=True)
    package = _built(found, world.dpo)
    client = login(world.dpo)
    identity_link = f'href="/dpo/requests/{found.id}/identity"'
    page = client.get(f"/dpo/requests/{found.id}").get_data(as_text=True)
    assert "Nothing can be disclosed to the requester yet" in page and identity_link in page

    review = client.get(f"/dpo/requests/{found.id}/access/{package.id}").get_data(as_text=True)
    assert "not released" in review and identity_link in review and "Release" not in review.split("Passages")[-1]
    response = post(client, f"/dpo/requests/{found.id}/access/{package.id}/release")
    assert response.status_code == 409
    assert any("You cannot release the access package yet" in e for e in errors_of(response))
    assert identity_link in response.get_data(as_text=True) and package.status == "ready"

    for path, data, what in (
        ("portability", {}, "make the portability file"),
        (
            "close",
            {"outcome": "done", "response_sent_on": ["4", "3", "2026"], "response_method": "email"},
            "close the request as answered",
        ),
    ):
        assert identity_link in client.get(f"/dpo/requests/{found.id}/{path}").get_data(as_text=True)
        response = post(client, f"/dpo/requests/{found.id}/{path}", data)
        assert response.status_code == 200, path
        assert any(f"You cannot {what} yet" in e for e in errors_of(response)), path
        assert identity_link in response.get_data(as_text=True)
    assert found.status == "open" and _disclosures() == 0

    # The identity step: errors keep the input; then proved, and the release goes.
    response = post(
        client,
        f"/dpo/requests/{found.id}/identity",
        {"decision": "proved", "received_on": ["", "", ""], "method": "Passport copy by post"},
    )
    assert response.status_code == 200 and "Enter the date the evidence arrived" in errors_of(response)
    assert "Passport copy by post" in response.get_data(as_text=True)
    response = post(
        client,
        f"/dpo/requests/{found.id}/identity",
        {"decision": "proved", "received_on": ["3", "3", "2026"], "method": "Passport copy by post"},
    )
    assert response.status_code == 302, errors_of(response)
    response = post(client, f"/dpo/requests/{found.id}/access/{package.id}/release")
    assert response.status_code == 303 and package.status == "released"


def test_identity_page_not_needed_and_not_proved(world, login):
    client = login(world.dpo)
    found = _log(world, identity_needed=False)
    page = client.get(f"/dpo/requests/{found.id}").get_data(as_text=True)
    assert "not yet confirmed by the DPO" in page
    response = post(client, f"/dpo/requests/{found.id}/identity", {"decision": "not_needed", "reason": ""})
    assert "Enter why no evidence of identity or authority is needed" in errors_of(response)
    response = post(
        client,
        f"/dpo/requests/{found.id}/identity",
        {"decision": "not_needed", "reason": "Asked in person; known to the VRC"},
    )
    assert response.status_code == 302
    assert "No evidence needed: Asked in person; known to the VRC" in client.get(f"/dpo/requests/{found.id}").get_data(
        as_text=True
    )

    other = _log(world, identity_needed=True)
    response = post(
        client,
        f"/dpo/requests/{other.id}/identity",
        {"decision": "failed", "reason": "No reply to two letters", "response_sent_on": ["", "", ""]},
    )
    assert {"Enter the date the person was told", "Select how the person was told"} <= set(errors_of(response))
    assert "No reply to two letters" in response.get_data(as_text=True)
    response = post(
        client,
        f"/dpo/requests/{other.id}/identity",
        {
            "decision": "failed",
            "reason": "No reply to two letters",
            "response_sent_on": ["4", "3", "2026"],
            "response_method": "letter",
        },
    )
    assert response.status_code == 302 and other.status == "closed"
    page = client.get(f"/dpo/requests/{other.id}").get_data(as_text=True)
    assert "Not proved: No reply to two letters" in page and "Refused" in page


# ----------------------------------------------------------------- the one-off check


def _legacy_disclosures(world):
    """Releases and exports made before the service refused them: built with identity
    verified (the only way today), then put back the way the old code left them."""
    pending = _log(world, identity_needed=True)
    staff_waived = _log(world, identity_needed=False)
    proved_later = _log(world, identity_needed=True)
    fine = _log(world, identity_needed=True)
    for found in (pending, staff_waived, proved_later, fine):
        rights_requests.record_identity(found, "proved", date(2026, 3, 2), "Passport", "", world.dpo.id)
        access_packages.release(_built(found, world.dpo), world.dpo.id)
        portability.create_portability_export(found, world.dpo.id)
    pending.identity_status, pending.identity_decided_at, pending.identity_decided_by_id = "pending", None, None
    staff_waived.identity_status, staff_waived.identity_decided_by_id = "not_needed", None
    proved_later.identity_decided_at = clock.now() + timedelta(hours=1)
    db.session.commit()
    return pending, staff_waived, proved_later, fine


def test_recheck_puts_past_releases_and_exports_on_the_review_list(world, app, login):
    requests = _legacy_disclosures(world)
    # The command ends its session: keep plain values.
    flagged_ids = [(r.id, access_packages.packages_of(r)[0].id) for r in requests[:3]]
    fine_id, dpo_id = requests[3].id, world.dpo.id
    last_name = world.participant.last_name
    result = app.test_cli_runner().invoke(args=["recheck-rights-disclosures"])
    assert result.exit_code == 0, result.output
    assert "disclosures checked: 8" in result.output and "added to the DPO's review list: 6" in result.output
    items = db.session.scalars(select(DisclosureReview).order_by(DisclosureReview.id)).all()
    flagged = {(i.disclosure.source, i.disclosure.source_id) for i in items}
    assert len(items) == 6 and {i.kind for i in items} == {"identity_not_verified"}
    for request_id, package_id in flagged_ids:
        assert ("access_package", package_id) in flagged and ("rights_request", request_id) in flagged
    assert not any(source_id == fine_id for source, source_id in flagged if source == "rights_request")
    assert all("Pat" not in i.finding and last_name not in i.finding for i in items)
    event = events("disclosure_review.identity_recheck")[-1]
    assert event.detail["raised"] == [i.id for i in items] and event.detail["checked"] == 8
    assert db.session.scalars(
        select(Notification).where(Notification.user_id == dpo_id, Notification.kind == "disclosure_review")
    ).all()
    # Safe to run twice: nothing added again, and the run is audited again.
    again = app.test_cli_runner().invoke(args=["recheck-rights-disclosures"])
    assert "added to the DPO's review list: 0" in again.output and "already on the list: 6" in again.output
    assert db.session.scalar(select(func.count(DisclosureReview.id))) == 6
    assert len(events("disclosure_review.identity_recheck")) == 2
    # On the DPO's review list, beside the emergency overrides.
    page = login(db.session.get(User, dpo_id)).get("/dpo/overrides").get_data(as_text=True)
    assert "Disclosed to a requester before their identity was verified" in page


def test_recheck_service_result(world):
    pending, *_ = _legacy_disclosures(world)
    result = recheck_identity_disclosures()
    assert result.checked == 8 and len(result.raised) == 6 and result.already == 0
    assert recheck_identity_disclosures().raised == []
