"""Rights workflows at the service level: intake, the clock (identity, clarification,
extension), dashboard states, the daily reminder, rectification, restriction,
objection, portability, outcomes and complaints."""

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal import clock, deadlines, private_files
from portal.access.participant_access import ParticipantRestricted
from portal.consent import authority_requests, consents
from portal.consent.consents import ConsentRequired
from portal.extensions import db
from portal.jobs import periodic_jobs
from portal.models import Notification, ParticipantChange
from portal.models.rights import CHANNELS
from portal.months import Month
from portal.reporting import statistics
from portal.rights import (
    clock_changes,
    portability,
    request_lists,
    rights_clock,
    rights_complaints,
    rights_requests,
    rights_workflows,
)
from portal.validation import Problems
from tests.casework.conftest import events


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(datetime(2026, 3, 4, 10, tzinfo=UTC))  # Wednesday
    yield
    clock.reset()


def _log(
    world, user=None, rights=("access",), received_on=date(2026, 3, 2), channel="email", identity=False, on_behalf=False
):
    return rights_requests.log_request(
        requester_name="Pat Example",
        requester_contact="pat@example.org",
        what_requested="All my data",
        rights=list(rights),
        received_on=received_on,
        channel=channel,
        on_behalf=on_behalf,
        on_behalf_of="Solicitor for the participant" if on_behalf else "",
        identity_needed=identity,
        identity_asked_for="Passport copy" if identity else "",
        user_id=(user or world.vrc).id,
    )


def test_intake_every_channel_several_rights_on_behalf(world, make):
    for channel in CHANNELS:
        found = _log(world, rights=("access", "erasure", "informed"), channel=channel, on_behalf=True)
        assert found.channel == channel and found.right_codes == ["access", "erasure", "informed"]
        assert found.on_behalf and found.on_behalf_of.startswith("Solicitor")
        assert found.due_on == date(2026, 4, 2)
    # The DPO is told of each.
    assert db.session.scalars(select(Notification).where(Notification.user_id == world.dpo.id)).all()
    with pytest.raises(Problems) as problems:
        _log(world, rights=("access", "nonsense"), on_behalf=True, channel="fax")
    assert {"rights", "channel"} <= {p.field for p in problems.value.problems}
    dwp_user = make.user(make.org("dwp", kind="commissioner"), ["dwp"])
    with pytest.raises(PermissionError):
        _log(world, user=dwp_user)


def test_identity_pending_clock_starts_when_evidence_arrives(world):
    found = _log(world, identity=True)
    assert found.due_on is None and rights_clock.state_of(found) is None
    with pytest.raises(authority_requests.NotTheDpo):
        rights_requests.record_identity(found, "proved", date(2026, 3, 3), "Passport", "", world.vrc.id)
    rights_requests.record_identity(found, "proved", date(2026, 3, 3), "Passport copy by post", "", world.dpo.id)
    # 3 April 2026 is Good Friday, 6 April Easter Monday.
    assert found.clock_start == date(2026, 3, 3) and found.due_on == date(2026, 4, 7)


def test_clarification_stops_are_listed_and_shift_the_due_date(world):
    found = _log(world)
    clock_changes.stop_clock(found, date(2026, 3, 3), "Which records?", world.dpo.id)
    assert found.clock_stopped
    with pytest.raises(Problems):
        clock_changes.stop_clock(found, date(2026, 3, 3), "Again?", world.dpo.id)
    # Provisional due date counts 3..4 March so far (2 days).
    assert rights_clock.clock_of(found).due == deadlines.response_due(date(2026, 3, 2), stopped_days=2)
    clock.freeze(datetime(2026, 3, 10, 10, tzinfo=UTC))
    clock_changes.restart_clock(found, date(2026, 3, 9), "Case notes only", world.dpo.id)
    clock_changes.stop_clock(found, date(2026, 3, 10), "And letters?", world.dpo.id)
    clock_changes.restart_clock(found, date(2026, 3, 10), "Yes", world.dpo.id)
    assert [(s.asked_on, s.answered_on) for s in found.stops] == [
        (date(2026, 3, 3), date(2026, 3, 9)),
        (date(2026, 3, 10), date(2026, 3, 10)),
    ]
    assert found.due_on == deadlines.response_due(date(2026, 3, 2), stopped_days=8) == date(2026, 4, 10)


def test_extension_three_months_and_notice_tracked(world):
    found = _log(world)
    clock_changes.extend(found, "complex", "Many records across partners", world.dpo.id)
    assert found.due_on == deadlines.response_due(date(2026, 3, 2), months=3)
    assert rights_clock.clock_of(found).extension_notice_due == date(2026, 4, 2)
    assert not rights_clock.extension_notice_overdue(found)
    clock.freeze(datetime(2026, 4, 2, 10, tzinfo=UTC))
    clock_changes.record_extension_notice(found, date(2026, 4, 2), "letter", world.dpo.id)
    clock.freeze(datetime(2026, 4, 3, 10, tzinfo=UTC))
    assert not rights_clock.extension_notice_overdue(found)
    assert rights_clock.clock_of(found).due == deadlines.response_due(date(2026, 3, 2), months=3)


def test_dashboard_states_and_daily_job(world):
    on_track = _log(world, received_on=date(2026, 3, 4))
    soon = _log(world, received_on=date(2026, 2, 9))  # due 9 March: within 5 working days
    late = _log(world, received_on=date(2026, 1, 20))  # due 20 February: overdue
    extended = _log(world, received_on=date(2026, 3, 3))
    clock_changes.extend(extended, "numerous", "Three requests this month", world.dpo.id)
    today = clock.today()
    assert rights_clock.state_of(on_track, today) == deadlines.ON_TRACK
    assert rights_clock.state_of(soon, today) == deadlines.DUE_SOON
    assert rights_clock.state_of(late, today) == deadlines.OVERDUE
    assert [r.id for r in request_lists.open_requests()][:2] == [late.id, soon.id]
    db.session.execute(db.delete(Notification))
    db.session.commit()
    result = request_lists.daily_reminders()
    texts = [n.text for n in db.session.scalars(select(Notification).where(Notification.user_id == world.dpo.id))]
    assert any(late.reference in t and "overdue" in t for t in texts)
    assert any(soon.reference in t for t in texts)
    assert any(extended.reference in t and "extension" in t for t in texts)
    assert not any(on_track.reference in t for t in texts)
    assert result["reminders"] == 3
    assert request_lists.daily_reminders()["reminders"] == 0  # safe to run twice
    assert periodic_jobs.periodic("rights-reminders").role == "dpo"


def test_rectification_keeps_history(world):
    found = _log(world, rights=("rectification",))
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    p = world.participant
    raw = {
        "email": "new@example.org",
        "phone": p.phone,
        "address_line_1": p.address_line_1,
        "address_line_2": "",
        "town": p.town,
        "postcode": p.postcode,
    }
    assert rights_workflows.rectify(found, "contact", raw, world.dpo.id) == ["email"]
    change = db.session.scalars(select(ParticipantChange).where(ParticipantChange.field == "email")).one()
    assert change.new_value == "new@example.org" and found.reference in change.reason
    event = events("rights_request.rectified")[-1]
    assert event.detail == {"section": "contact", "fields": ["email"]}


def test_restriction_set_and_lifted_with_the_person_told(world):
    found = _log(world, rights=("restriction",))
    with pytest.raises(rights_workflows.NotLinked):
        rights_workflows.set_restriction(found, "Accuracy contested", world.dpo.id)
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    rights_workflows.set_restriction(found, "Accuracy contested", world.dpo.id)
    assert world.participant.restricted
    with pytest.raises(Problems) as problems:
        rights_workflows.lift_restriction(found, "Checked", None, "", world.dpo.id)
    assert {"told_on", "told_method"} <= {p.field for p in problems.value.problems}
    notice = rights_workflows.lift_restriction(found, "Accuracy checked", date(2026, 3, 4), "letter", world.dpo.id)
    assert not world.participant.restricted
    assert notice.told_on == date(2026, 3, 4) and notice.told_method == "letter"
    assert [n.action for n in rights_workflows.restriction_notices(found)] == ["set", "lifted"]


def _closed_in_statistics() -> int:
    """Cases closed in February 2026 counted in the statistics tables (every org)."""
    table = next(t for t in statistics.tables_for(Month(2026, 2)) if t.key == "organisation")
    return sum(sum(row.values()) for row in table.counts.values())


def test_objection_leaves_out_of_statistics_and_research_contact(world, make):
    for p in (world.participant, world.elsewhere):
        p.status, p.closed_on = "left_early", date(2026, 2, 16)
    db.session.commit()
    assert _closed_in_statistics() == 2
    make.consent(world.participant, "research_contact", recorded_by=world.vrc)
    assert consents.live_consent(world.participant, "research_contact") is not None
    found = _log(world, rights=("objection",))
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    rights_workflows.record_objection(found, ["research"], world.dpo.id)
    assert _closed_in_statistics() == 2  # research contact only: still counted
    rights_workflows.record_objection(found, ["statistics"], world.dpo.id)
    assert world.participant.id in statistics.objector_ids()
    assert world.elsewhere.id not in statistics.objector_ids()
    # The statistics tables leave the objector out; the other participant is still counted.
    assert _closed_in_statistics() == 1
    assert consents.live_consent(world.participant, "research_contact") is None
    with pytest.raises(ConsentRequired, match="objected"):
        consents.require_live_consent(world.participant, "research_contact")


def test_portability_zip_holds_only_this_participants_provided_data(world, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    make.consent(world.elsewhere, "gp_contact")
    found = _log(world, rights=("portability",))
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    rights_requests.record_identity(found, "not_needed", None, "", "Known to the VRC, asked in person", world.dpo.id)
    export = portability.create_portability_export(found, world.dpo.id)
    content = private_files.read(export.file_key)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["consents.csv", "data.json", "details.csv"]
    data = json.loads(archive.read("data.json"))
    assert data["details"]["ni_number"] == world.participant.ni_number
    assert len(data["consents"]) == 1 and data["consents"][0]["purpose"] == "gp_contact"
    assert "health_information" not in data["details"]
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert world.elsewhere.ni_number not in everything and world.elsewhere.last_name not in everything
    assert world.participant.email in archive.read("details.csv").decode()
    assert export.disclosure_id is not None
    assert portability.read_export(export, world.dpo.id) == content


def test_outcomes_need_reason_and_exemption_when_refused(world):
    found = _log(world)
    with pytest.raises(Problems) as problems:
        rights_requests.close(found, "refused", "", "", date(2026, 3, 4), "letter", world.dpo.id)
    fields = {p.field for p in problems.value.problems}
    assert {"reason", "exemption"} <= fields and "outcome" in fields  # not linked yet
    rights_workflows.record_no_data(found, world.dpo.id)
    rights_requests.close(
        found,
        "partly_done",
        "Third-party data withheld",
        "DPA 2018 Schedule 2 paragraph 16",
        date(2026, 3, 4),
        "email",
        world.dpo.id,
    )
    assert found.status == "closed" and found.outcome == "partly_done" and found.response_method == "email"
    with pytest.raises(rights_requests.RequestClosed):
        clock_changes.extend(found, "complex", "x", world.dpo.id)
    done = _log(world)
    rights_workflows.link_participant(done, world.participant.id, world.dpo.id)
    rights_requests.record_identity(done, "proved", date(2026, 3, 3), "Passport copy by post", "", world.dpo.id)
    rights_requests.close(done, "done", "", "", date(2026, 3, 4), "letter", world.dpo.id)
    assert done.outcome == "done"


def test_complaints(world):
    with pytest.raises(authority_requests.NotTheDpo):
        rights_complaints.log_complaint("Pat", "pat@example.org", "x", date(2026, 3, 1), "email", world.vrc.id)
    complaint = rights_complaints.log_complaint(
        "Pat", "pat@example.org", "Letter went to my employer", date(2026, 3, 1), "email", world.dpo.id
    )
    rights_complaints.record_investigation(complaint, "Address was out of date", world.dpo.id)
    rights_complaints.close_complaint(
        complaint, "Upheld; address corrected", date(2026, 3, 4), date(2026, 3, 4), "letter", world.dpo.id
    )
    assert complaint.status == "closed" and complaint.ico_told_on == date(2026, 3, 4)
    assert "Pat" not in str([e.detail for e in events("complaint.logged")])


def test_page_views_are_recorded_and_committed_by_the_services(world):
    found = _log(world, rights=("rectification",))
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    complaint = rights_complaints.log_complaint(
        "Pat", "pat@example.org", "Letter went to my employer", date(2026, 3, 1), "email", world.dpo.id
    )
    request_lists.audit_list([found], world.dpo.id)
    request_lists.audit_view(found, world.dpo.id)
    rights_workflows.audit_rectify_view(found, world.participant, "contact", world.dpo.id)
    rights_complaints.audit_list([complaint], world.dpo.id)
    rights_complaints.audit_view(complaint, world.dpo.id)
    db.session.rollback()  # each was committed
    assert events("rights_request.list")[-1].detail == {
        "request_ids": [found.id],
        "participant_ids": [world.participant.id],
    }
    viewed = events("rights_request.viewed")[-1]
    assert viewed.object_id == str(found.id) and viewed.participant_id == world.participant.id
    rectify = events("rights_request.rectify_viewed")[-1]
    assert rectify.detail == {"section": "contact"} and rectify.org_id == world.participant.org_id
    assert events("complaint.list")[-1].detail == {"complaint_ids": [complaint.id]}
    assert events("complaint.viewed")[-1].object_id == str(complaint.id)


def test_portability_refused_while_restricted_before_anything_is_stored(world):
    found = _log(world, rights=("portability",))
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    rights_requests.record_identity(found, "not_needed", None, "", "Known to the VRC, asked in person", world.dpo.id)
    rights_workflows.set_restriction(found, "Accuracy contested", world.dpo.id)
    with pytest.raises(ParticipantRestricted):
        portability.create_portability_export(found, world.dpo.id)
    assert portability.exports_of(found) == [] and not events("rights_request.portability_export")
