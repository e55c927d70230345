"""A hand-built service whose March 2026 figures are known (worked out by hand below).

British Summer Time began at 01:00 UTC on Sunday 29 March 2026, so 31 March 23:30 UTC is
00:30 on 1 April in London (April), and 31 March 22:30 UTC is 23:30 in London (March).
28 February 23:30 UTC is still 28 February in London (GMT).

h2e (Health 2 Employment)
- P1: referred Mon 2 Mar, allocated 2 Mar, first contact Wed 4 Mar (2 working days),
  attended 4 Mar (started), support plan agreed 10 Mar; open.
- P2: referred Fri 27 Feb, allocated Mon 2 Mar, first contact Thu 5 Mar (4 working days);
  did not attend 31 Mar 22:30 UTC (March), attended 31 Mar 23:30 UTC (1 April: started
  in April); support plan agreed 20 Mar, before the start (a warning); open.
- P3: referred Sun 1 Mar 00:30 UTC, first contact Mon 2 Mar (1 working day), attended
  2 Mar, job retained 15 Mar, completed 20 Mar.
- P4: referred 28 Feb 23:30 UTC (February), allocated 3 Mar, never contacted, left early
  25 Mar (health got worse).
- P5: referred 10 Mar, allocated 11 Mar, processing restricted: withheld from the return.
- An out-of-hours check on P1 on 15 Mar (counted) and one on 31 Mar 23:30 UTC (April).
salus
- S1: referred 15 Jan, first contact and attended 20 Jan, case note 5 Feb, month 1 of
  support 20 Feb, month 3 on 20 Mar (month 2 missing: a warning); open, no contact for
  54 days at the month's end (a warning). A callback left without a check on 20 Mar.
- S2: referred 5 Mar, allocated 6 Mar, withdrawn 9 Mar.
- S3: completed 20 Feb: not on the programme in March.
ingeus (the lead partner) delivers to nobody this month.
"""

from datetime import UTC, date, datetime

from portal.extensions import db
from portal.models import Appointment, CaseNote, Milestone, OohCallback, OohCheck
from tests.factories import Factory


def utc(y, mo, d, h=10, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def person(
    org,
    vrc,
    ref,
    ni,
    *,
    referred,
    allocated=None,
    first_contact=None,
    closed=None,
    status=None,
    restricted=False,
    postcode="LS1 4AP",
):
    status = status or ("active" if first_contact else "referred")
    return Factory().participant(
        org,
        vrc,
        atw_reference=ref,
        ni_number=ni,
        referred_at=referred,
        allocated_at=allocated,
        first_contact_at=first_contact,
        status=status,
        closed_on=closed,
        restricted=restricted,
        status_changed_on=closed or (first_contact or referred).date(),
        postcode=postcode,
        created_at=referred,
        updated_at=referred,
    )


def appointment(p, at, status):
    db.session.add(
        Appointment(
            org_id=p.org_id,
            participant_id=p.id,
            starts_at=at,
            duration_minutes=60,
            channel="phone",
            location="",
            status=status,
            created_at=at,
            updated_at=at,
        )
    )


def milestone(p, kind, on, month_number=0, reason=""):
    db.session.add(
        Milestone(
            org_id=p.org_id,
            participant_id=p.id,
            kind=kind,
            month_number=month_number,
            achieved_on=on,
            left_early_reason=reason,
            recorded_at=utc(on.year, on.month, on.day),
        )
    )


def build(w) -> dict:
    """The data set on the service ``w`` (tests/reporting/conftest.py svc); returns its participants."""
    p = {}
    p["P1"] = person(
        w.h2e,
        w.vrc,
        "ATW-P1",
        "AB000001A",
        referred=utc(2026, 3, 2),
        allocated=utc(2026, 3, 2, 14),
        first_contact=utc(2026, 3, 4),
    )
    appointment(p["P1"], utc(2026, 3, 4), "attended")
    milestone(p["P1"], "support_plan_agreed", date(2026, 3, 10))
    p["P2"] = person(
        w.h2e,
        w.vrc,
        "ATW-P2",
        "AB000002A",
        referred=utc(2026, 2, 27, 9),
        allocated=utc(2026, 3, 2, 9),
        first_contact=utc(2026, 3, 5),
    )
    appointment(p["P2"], utc(2026, 3, 31, 22, 30), "did_not_attend")
    appointment(p["P2"], utc(2026, 3, 31, 23, 30), "attended")
    milestone(p["P2"], "support_plan_agreed", date(2026, 3, 20))
    p["P3"] = person(
        w.h2e,
        w.vrc,
        "ATW-P3",
        "AB000003A",
        referred=utc(2026, 3, 1, 0, 30),
        allocated=utc(2026, 3, 1, 1),
        first_contact=utc(2026, 3, 2, 9),
        closed=date(2026, 3, 20),
        status="completed",
    )
    appointment(p["P3"], utc(2026, 3, 2, 9), "attended")
    milestone(p["P3"], "job_retained", date(2026, 3, 15))
    milestone(p["P3"], "programme_completed", date(2026, 3, 20))
    p["P4"] = person(
        w.h2e,
        w.vrc,
        "ATW-P4",
        "AB000004A",
        referred=utc(2026, 2, 28, 23, 30),
        allocated=utc(2026, 3, 3),
        closed=date(2026, 3, 25),
        status="left_early",
    )
    milestone(p["P4"], "left_early", date(2026, 3, 25), reason="health_worsened")
    p["P5"] = person(
        w.h2e, w.vrc, "ATW-P5", "AB000005A", referred=utc(2026, 3, 10), allocated=utc(2026, 3, 11), restricted=True
    )
    db.session.add(
        OohCheck(
            org_id=w.h2e.id,
            participant_id=p["P1"].id,
            worker_id=w.vrc.id,
            started_at=utc(2026, 3, 15, 20),
            caller="participant",
            identity_confirmed=True,
        )
    )
    db.session.add(
        OohCheck(
            org_id=w.h2e.id,
            participant_id=p["P1"].id,
            worker_id=w.vrc.id,
            started_at=utc(2026, 3, 31, 23, 30),
            caller="participant",
            identity_confirmed=True,
        )
    )

    p["S1"] = person(
        w.salus,
        w.salus_vrc,
        "ATW-S1",
        "AB000011A",
        referred=utc(2026, 1, 15),
        allocated=utc(2026, 1, 16),
        first_contact=utc(2026, 1, 20),
        postcode="M1 1AE",
    )
    appointment(p["S1"], utc(2026, 1, 20), "attended")
    db.session.add(
        CaseNote(
            org_id=w.salus.id,
            participant_id=p["S1"].id,
            contact_date=date(2026, 2, 5),
            note_type="phone",
            created_at=utc(2026, 2, 5),
        )
    )
    milestone(p["S1"], "month_of_support", date(2026, 2, 20), month_number=1)
    milestone(p["S1"], "month_of_support", date(2026, 3, 20), month_number=3)
    db.session.add(
        OohCallback(
            org_id=w.salus.id,
            participant_id=p["S1"].id,
            check_id=None,
            worker_id=w.salus_vrc.id,
            vrc_id=w.salus_vrc.id,
            reason="Wants to rearrange",
            best_time="Evenings",
            phone="07700900123",
            created_at=utc(2026, 3, 20, 19),
        )
    )
    p["S2"] = person(
        w.salus,
        w.salus_vrc,
        "ATW-S2",
        "AB000012A",
        referred=utc(2026, 3, 5),
        allocated=utc(2026, 3, 6),
        closed=date(2026, 3, 9),
        status="withdrawn",
        postcode="M2 2BB",
    )
    p["S3"] = person(
        w.salus,
        w.salus_vrc,
        "ATW-S3",
        "AB000013A",
        referred=utc(2025, 11, 3),
        allocated=utc(2025, 11, 4),
        first_contact=utc(2025, 11, 5),
        closed=date(2026, 2, 20),
        status="completed",
    )
    milestone(p["S3"], "programme_completed", date(2026, 2, 20))
    db.session.commit()
    return p
