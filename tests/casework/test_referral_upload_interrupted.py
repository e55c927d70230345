"""A referral upload killed mid-run (issue 15, item 13): the work-horse killed with
``kill -9`` between a row's participant and its line in the result used to leave the
participant committed and the line missing, so the retry reported the row as "already
on your organisation's caseload" and left it out of the upload's audit event.

The kill is simulated in-process: a BaseException (nothing catches it, as nothing runs
after a SIGKILL) raised at a chosen point, the dead process's open transaction rolled
back, then the job run again. Whatever the point, the rerun's result, summary and audit
event must equal an uninterrupted run's, with no participant lost or doubled."""

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.jobs import progress
from portal.models import ContractArea, Participant, ReferralUpload
from portal.referrals import referral_upload, referrals
from tests.casework.conftest import events

HEADER = "atw_reference,first_name,last_name,date_of_birth,ni_number,email,phone,address_line_1,postcode\n"


def _file(prefix: str, base: int) -> str:
    """Six rows (lines 2-7): four good, a bad NI number and a missing first name (NI numbers
    starting JK: the factories make JT ones)."""
    good = [
        f"ATW-{prefix}-{i:04d},Ann,Lowe,12/05/1980,JK{base + i:06d}A,ann{i}@example.com,,{i} Road,LS2 7EY\n"
        for i in range(4)
    ]
    bad_ni = f"ATW-{prefix}-0100,Bob,Hart,1981-01-02,QQ123456C,bob@example.com,,2 Road,LS2 7EY\n"
    no_name = f"ATW-{prefix}-0101,,Dunn,1970-01-01,JK{base + 99:06d}B,,07700900111,4 Road,LS2 7EY\n"
    return HEADER + good[0] + good[1] + bad_ni + good[2] + no_name + good[3]


class Killed(BaseException):
    """The work-horse killed: not an Exception, so no handler of the portal's runs."""


@pytest.fixture
def home_area(cw):
    db.session.add(ContractArea(area="LS", org_id=cw.home.id, changed_at=clock.now()))
    db.session.commit()


def _upload(cw, content: str) -> ReferralUpload:
    upload = ReferralUpload(
        org_id=cw.home.id,
        uploaded_by_id=cw.tm.id,
        filename="r.csv",
        sha256="1" * 64,
        content=content,
        status="queued",
        rows_total=6,
        results=[],
        created_at=clock.now(),
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def _outcome(upload_id: int, prefix: str) -> dict:
    upload = db.session.get(ReferralUpload, upload_id)
    finished = [e for e in events("referral_upload.finished") if e.object_id == str(upload_id)]
    assert len(finished) == 1
    created = db.session.scalars(select(Participant).where(Participant.atw_reference.like(f"ATW-{prefix}-%"))).all()
    accepted_ids = [r["participant_id"] for r in upload.results if r["outcome"] == "accepted"]
    # No participant lost or doubled: each created once, each in the result and the audit event.
    assert sorted(accepted_ids) == sorted(p.id for p in created)
    assert sorted(finished[0].detail["participant_ids"]) == sorted(accepted_ids)
    referred = [e for e in events("participant.referred") if e.participant_id in set(accepted_ids)]
    assert len(referred) == len(accepted_ids)
    return {
        "lines": [(r["line"], r["outcome"], r.get("reasons"), r.get("re_referral")) for r in upload.results],
        "summary": referral_upload._summary(upload)["message"],
        "counts": (upload.rows_done, upload.accepted, upload.rejected, upload.status),
        "audited": (finished[0].detail["accepted"], finished[0].detail["rejected"], len(accepted_ids)),
    }


# (where the kill lands, the take_in call it lands on or after): lines 2-7 are calls 1-6;
# calls 3 and 5 are the rejected rows.
@pytest.mark.parametrize(
    "point,row",
    [
        ("after_the_rows_participant", 1),
        ("after_the_rows_participant", 6),
        ("between_rows", 1),
        ("between_rows", 4),
        ("after_a_rejected_row", 3),
        ("after_a_rejected_row", 5),
    ],
)
def test_a_killed_upload_resumes_exactly(cw, home_area, monkeypatch, point, row):
    plain = _upload(cw, _file("PLAIN", 100))
    referral_upload.process_upload(plain.id)
    expected = _outcome(plain.id, "PLAIN")
    assert expected["summary"] == "4 referrals taken in, 2 rejected", expected["lines"]

    armed = {"calls": 0}
    real_take_in, real_progress = referrals.take_in, progress.set_progress

    def take_in(*args, **kwargs):
        armed["calls"] += 1
        try:
            taken = real_take_in(*args, **kwargs)
        except Exception:
            if point == "after_a_rejected_row" and armed["calls"] >= row:
                raise Killed() from None  # killed while the rejected row's line was being written
            raise
        if point == "after_the_rows_participant" and armed["calls"] == row:
            raise Killed()  # killed once the participant exists, before its line is written
        return taken

    def set_progress(*args, **kwargs):
        if point == "between_rows" and armed["calls"] == row:
            raise Killed()  # the row is wholly done; killed before the next starts
        return real_progress(*args, **kwargs)

    monkeypatch.setattr(referrals, "take_in", take_in)
    monkeypatch.setattr(progress, "set_progress", set_progress)
    killed = _upload(cw, _file("KILLED", 500))
    try:
        referral_upload.process_upload(killed.id)
    except Killed:
        pass  # the kill may land after the last row of its kind: then the run just ends
    db.session.rollback()  # the dead work-horse's open transaction dies with its connection
    db.session.expire_all()
    monkeypatch.setattr(referrals, "take_in", real_take_in)
    monkeypatch.setattr(progress, "set_progress", real_progress)
    referral_upload.process_upload(killed.id)
    db.session.expire_all()
    assert _outcome(killed.id, "KILLED") == expected
