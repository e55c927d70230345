"""Retention rules, destruction lists, approval, legal holds, tombstones, certificate."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal import audit, clock
from portal.extensions import db
from portal.governance import legal_holds
from portal.jobs import periodic_jobs
from portal.models import Appointment, AuditEvent, Consent
from portal.models.erasure import Tombstone
from portal.models.retention import DestructionList, RetentionRuleChange
from portal.retention import audit_archive, destruction, destruction_lists, retention
from portal.rights import erasure
from tests.casework.conftest import events
from tests.retention.conftest import CLOSED_ON


def _after(months, days=1):
    clock.freeze(clock.now() + relativedelta(months=months) + timedelta(days=days))


def _kinds(found):
    return sorted((i.kind, i.object_id) for i in found.items if i.kind != "audit_events")


def test_nothing_listed_before_the_period(world):
    _after(71, days=20)
    found = destruction_lists.build_list(world.dpo)
    assert _kinds(found) == []


def test_records_listed_after_the_period_and_nothing_destroyed_unapproved(world):
    _after(72)
    found = destruction_lists.build_list(world.dpo)
    assert ("participant_record", str(world.participant.id)) in _kinds(found)
    assert ("appointments", str(world.appointment.id)) in _kinds(found)
    assert ("consents", str(world.consent.id)) in _kinds(found)
    item = next(i for i in found.items if i.kind == "appointments")
    assert item.counted_from_on == CLOSED_ON and item.period_ended_on == CLOSED_ON + relativedelta(months=72)
    # Nothing approved: nothing destroyed.
    results = destruction_lists.destroy_approved(found, world.dpo)
    assert results["destroyed"] == 0
    assert db.session.get(Appointment, world.appointment.id) is not None
    # The audit holds ids only.
    built = events("retention.list_built")[-1]
    assert built.detail["items"]["appointments"] == 1
    assert world.participant.last_name not in str(built.detail)


def test_a_second_build_does_not_list_again(world):
    _after(72)
    destruction_lists.build_list(world.dpo)
    again = destruction_lists.build_list(world.dpo)
    assert _kinds(again) == []


def test_approved_items_destroyed_with_tombstones_and_certificate(world):
    appointment_id, consent_id = world.appointment.id, world.consent.id
    _after(72)
    found = destruction_lists.build_list(world.dpo)
    appointment_item = next(i for i in found.items if i.kind == "appointments")
    assert destruction_lists.approve(found, [appointment_item.id], world.dpo) == 1
    results = destruction_lists.destroy_approved(found, world.dpo)
    assert results["destroyed"] == 1
    assert db.session.get(Appointment, appointment_id) is None
    assert db.session.get(Consent, consent_id) is not None  # not approved: kept
    stone = db.session.get(Tombstone, appointment_item.tombstone_id)
    assert stone.object_type == "appointment" and stone.basis == "retention" and stone.rule == "appointments"
    assert stone.confirmed_by_id == world.dpo.id
    # Then everything else, participant included (through the erasure service).
    destruction_lists.approve(found, None, world.dpo)
    results = destruction_lists.destroy_approved(found, world.dpo)
    assert results["failed"] == 0
    assert db.session.get(Consent, consent_id) is None
    participant_item = next(i for i in found.items if i.kind == "participant_record")
    assert participant_item.status == "destroyed"
    assert db.session.get(Tombstone, participant_item.tombstone_id).object_type == "participant"
    assert found.status == "completed"
    pdf = destruction_lists.certificate_pdf(found, world.dpo)
    assert pdf.startswith(b"%PDF")
    html = destruction_lists.certificate_html(found)
    assert "Records destroyed: 3" in html and "Appointments" in html and world.dpo.name in html


def test_legal_hold_stops_destruction_and_erasure(world):
    hold = legal_holds.place_hold(
        world.participant, reason="Employment tribunal claim", review_on=date(2033, 1, 1), placed_by=world.dpo
    )
    db.session.rollback()  # the hold committed with its event
    assert legal_holds.active_hold(world.participant) == hold
    _after(72)
    found = destruction_lists.build_list(world.dpo)
    held = [i for i in found.items if i.participant_id == world.participant.id]
    assert held and all(i.status == "held" and i.hold_id == hold.id for i in held)
    destruction_lists.approve(found, [i.id for i in held], world.dpo)
    assert all(i.status == "held" for i in held)
    with pytest.raises(destruction.DestructionRefused):
        destruction.destroy(
            "appointments",
            "appointment",
            world.appointment.id,
            participant_id=world.participant.id,
            confirmed_by=world.dpo,
            rule="appointments",
        )
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_participant(world.participant, confirmed_by=world.dpo, basis="retention")
    # Lifted: the items await approval again, and can be destroyed.
    legal_holds.lift_hold(hold, lifted_by=world.dpo, reason="Claim settled")
    db.session.rollback()
    assert legal_holds.active_hold(world.participant) is None
    assert [e.action for e in events(participant_id=world.participant.id) if e.action.startswith("legal_hold")] == [
        "legal_hold.place",
        "legal_hold.lift",
    ]
    assert destruction_lists.approve(found, None, world.dpo) >= 3
    assert destruction_lists.destroy_approved(found, world.dpo)["destroyed"] >= 3


def test_hold_placed_after_approval_still_stops_destruction(world):
    _after(72)
    found = destruction_lists.build_list(world.dpo)
    destruction_lists.approve(found, None, world.dpo)
    legal_holds.place_hold(world.participant, reason="Claim", review_on=date(2033, 1, 1), placed_by=world.dpo)
    destruction_lists.destroy_approved(found, world.dpo)
    assert db.session.get(Appointment, world.appointment.id) is not None
    assert {i.status for i in found.items if i.participant_id} == {"held"}


def test_rule_change_is_kept_in_history_and_audited(world):
    rule = retention.rule("appointments")
    retention.update_rule(rule, "24", "case_closed", "Contract variation 4", world.dpo)
    db.session.rollback()  # the rule, its history and the event committed together
    change = db.session.scalars(select(RetentionRuleChange)).one()
    assert (change.old_period_months, change.new_period_months) == (72, 24)
    assert events("retention.rule_change")[-1].object_id == "appointments"
    _after(24)
    found = destruction_lists.build_list(world.dpo)
    assert [k for k, _ in _kinds(found)] == ["appointments"]


def test_rule_change_refuses_bad_input(world):
    from portal.validation import Problems

    with pytest.raises(Problems) as caught:
        retention.update_rule(retention.rule("reports"), "ten", "case_closed", "", world.dpo)
    assert {p.field for p in caught.value.problems} == {"period_months", "counted_from", "note"}


def test_nightly_job_builds_the_list(world):
    periodic = periodic_jobs.periodic("retention-nightly")
    assert periodic is not None and periodic.role == "dpo"
    _after(72)
    result = destruction_lists.nightly()
    found = db.session.get(DestructionList, result["list_id"])
    assert found.built_by_id is None and result["items"] == len(found.items) >= 3


def test_audit_events_past_their_period_are_listed(world):
    audit.record("something.early")
    db.session.commit()
    _after(73)
    audit.record("something.later")
    db.session.commit()
    cut = audit_archive.audit_cut()
    assert cut is not None
    assert db.session.get(AuditEvent, cut).at < clock.now() - relativedelta(months=72)


def test_readme_documents_the_default_rules(app_ctx):
    import os
    import re

    from portal.models.retention import COUNTED_FROM

    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    section = readme.split("## Retention defaults", 1)[1].split("\n## ", 1)[0]
    table = {m[0]: (m[1], m[2]) for m in re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", section, re.M)}
    rules = retention.rules()
    assert len(rules) == 7
    for found in rules:
        kept_for, counted_from = table[found.name]
        number, unit = kept_for.split()
        months = int(number) * (12 if unit.startswith("year") else 1)
        assert (months, counted_from) == (found.period_months, COUNTED_FROM[found.counted_from].lower()), found.key


def test_the_holds_list_is_audited_naming_each_held_participant(world):
    assert legal_holds.view_holds().holds == [] and not events("legal_hold.list")
    legal_holds.place_hold(world.participant, reason="Claim", review_on=date(2033, 1, 1), placed_by=world.dpo)
    shown = legal_holds.view_holds()
    db.session.rollback()  # the look committed with its event
    assert list(shown.participants) == [world.participant.id] and world.home.id in shown.orgs
    assert events("legal_hold.list")[-1].detail == {"participant_ids": [world.participant.id]}
    reference = " " + world.participant.atw_reference.lower()
    assert legal_holds.participant_with_reference(reference) == world.participant
    assert legal_holds.participant_with_reference("  ") is None


def test_a_refused_seal_rolls_back_and_a_sealed_one_commits(world):
    audit.record("old.event")
    db.session.commit()
    audit.record("pending.event")  # not committed: the refusal takes it with it
    with pytest.raises(audit_archive.CheckpointRefused):
        audit_archive.seal_checkpoint(999, world.dpo)
    assert not events("pending.event")
    head = events("old.event")[-1].seq
    assert audit_archive.events_to_seal(head) > 0
    sealed = audit_archive.seal_checkpoint(head, world.dpo)
    db.session.rollback()
    assert audit.latest_checkpoint() == sealed and audit_archive.events_to_seal(head) == 0
