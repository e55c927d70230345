"""The contract figures and the progress return against a hand-built data set with
known answers (tests/reporting/dataset.py), month boundaries across the clock changes
included."""

from datetime import date

from portal import clock
from portal.extensions import db
from portal.models import Appointment, Participant
from portal.months import Month
from portal.reporting import contract_reports, report_drafts, report_figures
from tests.reporting import dataset
from tests.reporting.dataset import utc

MARCH = Month(2026, 3)
NO_MILESTONES = {
    "support_plan_agreed": 0,
    "month_of_support": 0,
    "job_retained": 0,
    "moved_to_suitable_work": 0,
    "programme_completed": 0,
    "left_early": 0,
}
NO_LEAVERS = {
    "no_longer_wanted": 0,
    "health_worsened": 0,
    "left_employment": 0,
    "moved_away": 0,
    "not_contactable": 0,
    "other_support": 0,
}


def _by_slug(block):
    return {o["slug"]: o["figures"] for o in block["organisations"]}


def test_month_bounds_follow_british_summer_time():
    assert MARCH.starts_at == utc(2026, 3, 1, 0)  # GMT
    assert MARCH.ends_at == utc(2026, 3, 31, 23)  # midnight BST is 23:00 UTC
    october = Month(2026, 10)
    assert october.starts_at == utc(2026, 9, 30, 23)
    assert october.ends_at == utc(2026, 11, 1, 0)
    assert Month.parse("2026-13") is None and Month.parse("March") is None and Month.parse("2026-03") == MARCH


def test_march_figures_per_organisation_and_total(svc, app):
    dataset.build(svc)
    clock.freeze(utc(2026, 4, 2))
    figures = report_figures.month_figures(MARCH)
    by = _by_slug(figures)
    assert [o["slug"] for o in figures["organisations"]] == ["h2e", "ingeus", "salus"]
    assert by["h2e"] == {
        "referrals_received": 3,  # P1, P3 (1 Mar 00:30 UTC), P5; not P2 (Feb) nor P4 (28 Feb 23:30 UTC)
        "referrals_allocated": 5,  # P1 to P5
        "first_contacts": 3,  # P1 (2 days), P2 (4), P3 (1)
        "first_contact_median_working_days": 2.0,
        "first_contact_within_target": 2,
        "first_contact_within_target_percent": 66.7,
        "started": 2,  # P1, P3; P2 started on 1 April in London
        "active_caseload_at_month_end": 2,  # P1, P2
        "appointments_attended": 2,
        "appointments_not_attended": 1,  # P2 at 23:30 BST on 31 March
        "milestones": {
            **NO_MILESTONES,
            "support_plan_agreed": 2,
            "job_retained": 1,
            "programme_completed": 1,
            "left_early": 1,
        },
        "completions": 1,
        "completions_job_retained": 1,
        "completions_moved_to_suitable_work": 0,
        "early_leavers": 1,
        "early_leavers_by_reason": {**NO_LEAVERS, "health_worsened": 1},
        "out_of_hours_contacts": 1,  # the 31 March 23:30 UTC call was on 1 April
    }
    assert by["salus"] == {
        "referrals_received": 1,
        "referrals_allocated": 1,
        "first_contacts": 0,
        "first_contact_median_working_days": None,
        "first_contact_within_target": 0,
        "first_contact_within_target_percent": None,
        "started": 0,
        "active_caseload_at_month_end": 1,
        "appointments_attended": 0,
        "appointments_not_attended": 0,
        "milestones": {**NO_MILESTONES, "month_of_support": 1},
        "completions": 0,
        "completions_job_retained": 0,
        "completions_moved_to_suitable_work": 0,
        "early_leavers": 0,
        "early_leavers_by_reason": NO_LEAVERS,
        "out_of_hours_contacts": 1,
    }
    assert by["ingeus"]["referrals_received"] == 0 and by["ingeus"]["first_contact_median_working_days"] is None
    total = figures["total"]
    assert total["referrals_received"] == 4 and total["referrals_allocated"] == 6
    assert total["first_contacts"] == 3 and total["first_contact_median_working_days"] == 2.0
    assert total["first_contact_within_target_percent"] == 66.7
    assert total["started"] == 2 and total["active_caseload_at_month_end"] == 3
    assert total["appointments_attended"] == 2 and total["appointments_not_attended"] == 1
    assert total["milestones"]["month_of_support"] == 1 and total["milestones"]["support_plan_agreed"] == 2
    assert total["completions"] == 1 and total["early_leavers"] == 1 and total["out_of_hours_contacts"] == 2


def test_april_gets_what_crossed_midnight_in_london(svc, app):
    people = dataset.build(svc)
    april = report_figures.month_figures(Month(2026, 4))
    h2e = _by_slug(april)["h2e"]
    assert h2e["started"] == 1 and h2e["appointments_attended"] == 1  # P2 at 00:30 BST on 1 April
    assert h2e["out_of_hours_contacts"] == 1
    assert h2e["active_caseload_at_month_end"] == 2
    february = _by_slug(report_figures.month_figures(Month(2026, 2)))
    assert february["h2e"]["referrals_received"] == 2  # P2 and P4 (23:30 GMT on 28 February)
    assert february["salus"]["completions"] == 1 and february["salus"]["milestones"]["month_of_support"] == 1
    assert people["P4"].referred_at == utc(2026, 2, 28, 23, 30)


def test_october_boundaries_when_summer_time_ends(svc, app):
    make_p = dataset.person(
        svc.h2e,
        svc.vrc,
        "ATW-OCT",
        "AB000021A",
        referred=utc(2026, 9, 30, 23, 30),
        allocated=utc(2026, 10, 1, 8),
        first_contact=utc(2026, 10, 1, 9),
    )
    dataset.appointment(make_p, utc(2026, 10, 31, 23, 30), "attended")  # 23:30 GMT on 31 October
    dataset.appointment(make_p, utc(2026, 11, 1, 0, 30), "did_not_attend")  # November
    db.session.commit()
    october = _by_slug(report_figures.month_figures(Month(2026, 10)))["h2e"]
    assert october["referrals_received"] == 1  # 00:30 BST on 1 October
    assert october["appointments_attended"] == 1 and october["appointments_not_attended"] == 0
    assert october["first_contact_median_working_days"] == 0.0  # referred and contacted on 1 October
    september = _by_slug(report_figures.month_figures(Month(2026, 9)))["h2e"]
    assert september["referrals_received"] == 0


def test_progress_return_withholds_restricted_participants(svc, app):
    people = dataset.build(svc)
    built = contract_reports.build_content(MARCH)
    block = built.content["progress_return"]
    assert block["fields"] == [
        "atw_reference",
        "ni_number",
        "organisation",
        "referral_date",
        "start_date",
        "milestones_in_month",
        "outcome",
        "outcome_date",
    ]
    assert [r["atw_reference"] for r in block["rows"]] == ["ATW-P1", "ATW-P2", "ATW-P3", "ATW-P4", "ATW-S1", "ATW-S2"]
    assert block["withheld"] == {"total": 1, "by_organisation": {"h2e": 1, "ingeus": 0, "salus": 0}}
    assert built.withheld == 1 and people["P5"].id not in built.participant_ids
    assert sorted(built.participant_ids) == sorted(people[k].id for k in ("P1", "P2", "P3", "P4", "S1", "S2"))
    rows = {r["atw_reference"]: r for r in block["rows"]}
    assert rows["ATW-P3"] == {
        "atw_reference": "ATW-P3",
        "ni_number": "AB000003A",
        "organisation": "h2e",
        "referral_date": "2026-03-01",
        "start_date": "2026-03-02",
        "milestones_in_month": [
            {"kind": "job_retained", "month_number": None, "achieved_on": "2026-03-15"},
            {"kind": "programme_completed", "month_number": None, "achieved_on": "2026-03-20"},
        ],
        "outcome": "completed",
        "outcome_date": "2026-03-20",
    }
    assert rows["ATW-P2"]["start_date"] is None  # started on 1 April, London time
    assert rows["ATW-P4"]["referral_date"] == "2026-02-28" and rows["ATW-P4"]["outcome"] == "left_early"
    assert rows["ATW-S1"]["milestones_in_month"] == [
        {"kind": "month_of_support", "month_number": 3, "achieved_on": "2026-03-20"}
    ]
    assert rows["ATW-S1"]["outcome"] is None
    assert rows["ATW-S2"]["outcome"] == "withdrawn" and rows["ATW-S2"]["outcome_date"] == "2026-03-09"
    assert "ATW-P5" not in built.text and "AB000005A" not in built.text


def test_validation_warnings(svc, app):
    dataset.build(svc)
    warnings = contract_reports.build_content(MARCH).warnings
    found = sorted((w["atw_reference"], w["code"]) for w in warnings)
    assert found == [("ATW-P2", "milestone_order"), ("ATW-S1", "milestone_order"), ("ATW-S1", "no_contact")]
    texts = {(w["atw_reference"], w["code"]): w["text"] for w in warnings}
    assert "before the start on 1 April 2026" in texts[("ATW-P2", "milestone_order")]
    assert "month 2 is not" in texts[("ATW-S1", "milestone_order")]
    assert "5 February 2026" in texts[("ATW-S1", "no_contact")]


def test_a_restricted_participant_is_never_named_in_warnings(svc, app):
    people = dataset.build(svc)
    s1 = db.session.get(Participant, people["S1"].id)
    s1.restricted = True
    db.session.commit()
    built = contract_reports.build_content(MARCH)
    assert all(w["atw_reference"] != "ATW-S1" for w in built.warnings)
    assert built.withheld == 2


def test_same_data_gives_the_same_content_byte_for_byte(svc, app):
    dataset.build(svc)
    first = contract_reports.build_content(MARCH)
    clock.freeze(utc(2026, 5, 1))
    second = contract_reports.build_content(MARCH)
    assert first.text == second.text and first.sha256 == second.sha256
    db.session.add(
        Appointment(
            org_id=svc.h2e.id,
            participant_id=first.participant_ids[0],
            starts_at=utc(2026, 3, 30),
            duration_minutes=30,
            channel="phone",
            location="",
            status="attended",
            created_at=utc(2026, 3, 30),
            updated_at=utc(2026, 3, 30),
        )
    )
    db.session.commit()
    assert contract_reports.build_content(MARCH).sha256 != first.sha256


def test_first_contact_target_is_a_setting(svc, app):
    dataset.build(svc)
    app.config["REPORT_FIRST_CONTACT_TARGET_DAYS"] = 1
    try:
        h2e = _by_slug(report_figures.month_figures(MARCH))["h2e"]
    finally:
        app.config["REPORT_FIRST_CONTACT_TARGET_DAYS"] = 2
    assert h2e["first_contact_within_target"] == 1 and h2e["first_contact_within_target_percent"] == 33.3


def test_a_month_must_have_ended_to_be_reported(svc, app):
    import pytest

    from portal.validation import Problems

    clock.freeze(utc(2026, 3, 31, 12))
    with pytest.raises(Problems):
        report_drafts.reportable(MARCH)
    with pytest.raises(Problems):
        report_drafts.reportable(None)
    clock.freeze(utc(2026, 3, 31, 23, 30))  # 00:30 on 1 April in London
    assert report_drafts.reportable(MARCH) == MARCH
    assert date(2026, 3, 31) == MARCH.last_day


def test_completions_moved_to_more_suitable_work(svc, app):
    """A completion counts as "moved to more suitable work" when that milestone was reached
    on or before the completion; one recorded after it does not count."""
    moved = dataset.person(
        svc.salus,
        svc.salus_vrc,
        "ATW-MV1",
        "AB000031A",
        referred=utc(2026, 1, 5),
        allocated=utc(2026, 1, 6),
        first_contact=utc(2026, 1, 7),
        closed=date(2026, 3, 12),
        status="completed",
    )
    dataset.milestone(moved, "moved_to_suitable_work", date(2026, 2, 27))
    dataset.milestone(moved, "programme_completed", date(2026, 3, 12))
    later = dataset.person(
        svc.salus,
        svc.salus_vrc,
        "ATW-MV2",
        "AB000032A",
        referred=utc(2026, 1, 5),
        allocated=utc(2026, 1, 6),
        first_contact=utc(2026, 1, 7),
        closed=date(2026, 3, 13),
        status="completed",
    )
    dataset.milestone(later, "programme_completed", date(2026, 3, 13))
    dataset.milestone(later, "moved_to_suitable_work", date(2026, 3, 20))
    db.session.commit()
    salus = _by_slug(report_figures.month_figures(MARCH))["salus"]
    assert salus["completions"] == 2
    assert salus["completions_moved_to_suitable_work"] == 1 and salus["completions_job_retained"] == 0
    assert salus["milestones"]["moved_to_suitable_work"] == 1  # the one reached in March
