"""Every right run end to end through the DPO's pages (HTTP, one request asking for
all of them): intake with identity pending, link, identity evidence, a clarification
stop and its answer, extension and its notice, DWP informed, the privacy notice sent,
rectification, restriction set and lifted with the person told, objection,
portability (built and downloaded), the erasure plan, and the close with the
outcome, reason, exemption and response recorded."""

import io
import zipfile
from datetime import date

import pytest

from portal import deadlines
from portal.consent import objections
from portal.extensions import db
from portal.models import ParticipantChange
from portal.models.rights import RIGHTS, RightsRequest
from portal.rights import portability
from tests.casework.conftest import errors_of, post

MARCH_2 = ["2", "3", "2026"]
MARCH_3 = ["3", "3", "2026"]
MARCH_4 = ["4", "3", "2026"]


pytestmark = pytest.mark.usefixtures("march_4")


def test_every_right_through_the_pages(world, login):
    client = login(world.dpo)
    p = world.participant

    def step(path, data, *expect):
        response = post(client, f"{base}/{path}" if path else base, data)
        assert response.status_code == 302, (path, errors_of(response))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        for text in expect:
            assert text in page, (path, text)
        return page

    response = post(
        client,
        "/rights-requests/new",
        {
            "requester_name": "Pat Example",
            "requester_contact": "pat@example.org",
            "rights": list(RIGHTS),
            "what_requested": "Everything",
            "received_on": MARCH_2,
            "channel": "letter",
            "identity_needed": "y",
            "identity_asked_for": "Photo ID",
        },
    )
    assert response.status_code == 302, errors_of(response)
    found = db.session.scalars(db.select(RightsRequest)).one()
    base = f"/dpo/requests/{found.id}"
    assert found.right_codes == list(RIGHTS) and found.due_on is None

    step("link", {"participant_id": str(p.id)})
    assert found.participant_id == p.id
    step("identity", {"decision": "proved", "received_on": MARCH_3, "method": "Passport copy by post"}, "Clock started")
    assert found.due_on == deadlines.response_due(date(2026, 3, 3))
    step("clarify", {"asked_on": MARCH_3, "question": "Which records?"}, "Clock stopped", "Which records?")
    step("answer", {"answered_on": MARCH_4, "note": "All of them"})
    assert found.due_on == deadlines.response_due(date(2026, 3, 3), stopped_days=2)
    step("extend", {"reason": "complex", "detail": "Records across partners"}, "Tell the person by")
    assert found.due_on == deadlines.response_due(date(2026, 3, 3), months=3, stopped_days=2)
    step("extension-notice", {"sent_on": MARCH_4, "method": "letter"}, "told on 4 March 2026")
    step("dwp", {"informed_on": MARCH_4, "note": "Told DWP of the request"}, "Told DWP of the request")
    step(
        "notice",
        {"notice_id": str(world.notice.id), "sent_on": MARCH_4, "method": "email"},
        "Privacy notice sent on 4 March 2026",
    )

    step(
        "rectify/contact",
        {
            "email": "corrected@example.org",
            "phone": p.phone,
            "address_line_1": p.address_line_1,
            "address_line_2": "",
            "town": p.town,
            "postcode": p.postcode,
        },
        "Contact details corrected",
    )
    change = db.session.scalars(db.select(ParticipantChange).where(ParticipantChange.field == "email")).one()
    assert change.new_value == "corrected@example.org" and found.reference in change.reason

    step("restrict", {"reason": "Accuracy contested"}, "Restriction set: Accuracy contested")
    assert p.restricted
    response = post(client, f"{base}/lift-restriction", {"reason": "Checked"})
    assert response.status_code == 200 and "Enter the date the person was told" in errors_of(response)
    step(
        "lift-restriction",
        {"reason": "Accuracy checked", "told_on": MARCH_4, "told_method": "letter"},
        "the person was told on 4 March 2026",
    )
    assert not p.restricted

    step(
        "objection",
        {"scopes": ["research", "statistics"]},
        "Objection to identifiable research contact recorded",
        "Objection to statistics recorded",
    )
    assert objections.objects_to(p.id, "statistics")

    step("portability", {}, "Portability file built")
    export = portability.exports_of(found)[0]
    download = client.get(f"{base}/portability/{export.id}")
    assert download.status_code == 200
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.data)).namelist()

    assert "would be erased" in client.get(f"{base}/erasure").get_data(as_text=True).lower()

    response = post(
        client, f"{base}/close", {"outcome": "partly_done", "response_sent_on": MARCH_4, "response_method": "letter"}
    )
    assert response.status_code == 200
    assert {"Enter the reason", "Enter the exemption relied on"} <= set(errors_of(response))
    step(
        "close",
        {
            "outcome": "partly_done",
            "reason": "Erasure refused: retention duty",
            "exemption": "UK GDPR Article 17(3)(b)",
            "response_sent_on": MARCH_4,
            "response_method": "letter",
        },
        "Partly done",
        "Erasure refused: retention duty",
        "UK GDPR Article 17(3)(b)",
        "4 March 2026 (Letter)",
    )
    assert found.status == "closed" and found.response_sent_on == date(2026, 3, 4)
