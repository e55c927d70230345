"""A restricted participant (rule 5): the DPO's rights workflows still run: the
access package is built and released (recorded as a disclosure), and the record can
be read through /dpo/ and erased, while other sharing stays refused."""

import pytest

from portal import clock
from portal.access.participant_access import ParticipantRestricted
from portal.consent import disclosures
from portal.extensions import db
from portal.models import Disclosure
from portal.models.rights import RightsRequest, RightsRequestRight
from portal.rights import access_packages, erasure
from tests.factories import sign_in


@pytest.fixture
def restricted(make):
    org = make.org("h2e")
    vrc = make.user(org, roles=("vrc",))
    dpo = make.user(make.org("ingeus", kind="lead"), roles=("dpo",))
    participant = make.participant(
        org, vrc, restricted=True, restriction_reason="Accuracy contested", restricted_at=clock.now()
    )
    make.note(participant, vrc, text="Discussed the contested dates")
    request = RightsRequest(
        org_id=org.id,
        participant_id=participant.id,
        requester_name="R P",
        requester_contact="by post",
        what_requested="A copy and then erasure",
        received_on=clock.today(),
        channel="letter",
        logged_at=clock.now(),
        status="open",
        identity_status="proved",
        identity_received_on=clock.today(),
        rights=[RightsRequestRight(right="access"), RightsRequestRight(right="erasure")],
    )
    db.session.add(request)
    db.session.commit()
    return {"dpo": dpo, "participant": participant, "request": request}


def test_access_package_and_erasure_run_while_restricted(restricted, client):
    package = access_packages.start_package(restricted["request"], restricted["dpo"].id)
    db.session.refresh(package)
    access_packages.release(package, restricted["dpo"].id)
    assert db.session.get(Disclosure, package.disclosure_id).source == "access_package"
    with pytest.raises(ParticipantRestricted):
        disclosures.record_disclosure(
            restricted["participant"],
            "employer",
            "Acme",
            "Adjustments",
            ["Progress"],
            summary="",
            legal_basis="public_task",
        )
    db.session.rollback()
    sign_in(client, restricted["dpo"])
    assert client.get(f"/dpo/requests/{restricted['request'].id}/record").status_code == 200
    erasure.erase_participant(
        restricted["participant"],
        confirmed_by=restricted["dpo"],
        basis="rights_request",
        rights_request=restricted["request"],
    )
    db.session.commit()
    assert erasure.tombstones_of(restricted["participant"].id)
