"""Many referrals at once: a CSV file read by a tracked job, row by row.

Each row is checked and taken in on its own (``referrals.take_in``), so accepted rows
are kept whatever other rows do; rejected rows are listed with their line numbers and
reasons. Uploading the same file twice creates no duplicates: every row of the second
upload meets its own AtW reference and is refused. The file itself is blanked once
read (data minimisation); the result keeps line numbers, outcomes and reasons only.
"""

import csv
import hashlib
import io

from sqlalchemy import select

from portal import audit, clock, hostile_input, jobs
from portal.actions import Action
from portal.extensions import db
from portal.jobs import progress
from portal.models import Organisation, ReferralUpload
from portal.models.job import Job
from portal.participant_fields import FIELD_LABELS
from portal.referrals import referrals
from portal.validation import Invalid, Problems

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = referrals.REFERRAL_FIELDS
REQUIRED_COLUMNS = (
    "atw_reference",
    "first_name",
    "last_name",
    "date_of_birth",
    "ni_number",
    "address_line_1",
    "postcode",
)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file must be a CSV file saved as UTF-8 (in Excel: CSV UTF-8)", field="file") from None


def read_rows(text: str, hostile: dict[int, str] | None = None) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows with the line number each starts on (the header is line 1).
    Blank rows are skipped; a missing column is a problem with the whole file. Given a
    dict, ``hostile`` receives line → row error for each row holding control characters
    (DESIGN.md rule 11)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise Invalid("The file is empty", field="file") from None
    except csv.Error:
        raise Invalid("The file is not a CSV file", field="file") from None
    names = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise Invalid("The file’s first line must name the columns; missing: " + ", ".join(missing), field="file")
    rows = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                problem = hostile_input.csv_row_problem(cells)
                if problem and hostile is not None:
                    hostile[line] = problem
                rows.append(
                    (
                        line,
                        {
                            name: (cells[i].strip() if i < len(cells) else "")
                            for i, name in enumerate(names)
                            if name in COLUMNS
                        },
                    )
                )
            line = reader.line_num + 1
    except csv.Error as error:
        raise Invalid(f"Line {line} of the file cannot be read: {error}", field="file") from error
    if not rows:
        raise Invalid("The file has no referrals under its first line", field="file")
    if len(rows) > MAX_ROWS:
        raise Invalid(f"The file has {len(rows)} referrals: upload at most {MAX_ROWS} at a time", field="file")
    return rows


def start_upload(org: Organisation, filename: str, content: bytes, user_id: int | None) -> ReferralUpload:
    """Check the file as a whole, keep it and start the job that reads it. Commits."""

    if not content:
        raise Problems([Invalid("Select a CSV file", field="file")])
    if len(content) > MAX_BYTES:
        raise Problems([Invalid("The file must be smaller than 2MB", field="file")])
    hostile: dict[int, str] = {}
    try:
        text = _decode(content)
        rows = read_rows(text, hostile)
    except Invalid as problem:
        raise Problems([problem]) from problem
    # Rows holding control characters are rejected here, each with its row error, and
    # the file is kept with those characters replaced: the job skips lines already in
    # the result, and no NUL reaches the database.
    refused = [{"line": line, "outcome": "rejected", "reasons": [problem]} for line, problem in sorted(hostile.items())]
    upload = ReferralUpload(
        org_id=org.id,
        uploaded_by_id=user_id,
        filename=hostile_input.scrub(filename or "referrals.csv")[-200:],
        sha256=hashlib.sha256(content).hexdigest(),
        content=hostile_input.scrub(text),
        status="queued",
        rows_total=len(rows),
        results=refused,
        rows_done=len(refused),
        accepted=0,
        rejected=len(refused),
        created_at=clock.now(),
    )
    db.session.add(upload)
    db.session.flush()
    job = jobs.enqueue(process_upload, upload.id, kind=Action.REFERRAL_UPLOAD, org_id=org.id, requested_by=user_id)
    upload.job_id = job.id
    audit.record(
        "referral_upload.started",
        object_type="referral_upload",
        object_id=upload.id,
        org_id=org.id,
        user_id=user_id,
        detail={"rows": len(rows), "job_id": job.id},
    )
    db.session.commit()
    return upload


def _reasons(problems: Problems) -> list[str]:
    return [f"{FIELD_LABELS.get(p.field or '', p.field or 'Row')}: {p.message}" for p in problems.problems]


def process_upload(upload_id: int) -> dict[str, str]:
    """Job: take in each row of the upload. Safe to run twice: rows already done are
    skipped, and a finished upload is left as it is. A row's participant and its line
    in the result commit in one transaction, so a run killed at any moment (a worker's
    work-horse killed, the machine stopping) leaves each row either wholly done or not
    started: a retry resumes exactly and reports every row as it really was, never a
    row of its own as "already on your organisation's caseload"."""

    upload = db.session.get(ReferralUpload, upload_id)
    if upload is None:
        raise jobs.Fail("the upload no longer exists")
    if upload.status == "done":
        return _summary(upload)
    org = db.session.get(Organisation, upload.org_id)
    rows = read_rows(upload.content)
    done_lines = {r["line"] for r in upload.results or []}
    upload.status = "running"
    upload.rows_total = len(rows)
    db.session.commit()
    for index, (line, row) in enumerate(rows, start=1):
        if line in done_lines:
            continue
        assert org is not None  # upload.org_id is a foreign key to the organisation
        try:
            taken = referrals.take_in(row, taken_in_by=org, user_id=upload.uploaded_by_id, commit=False)
        except Problems as problems:
            db.session.rollback()
            result = {"line": line, "outcome": "rejected", "reasons": _reasons(problems)}
        else:
            result = {
                "line": line,
                "outcome": "accepted",
                "participant_id": taken.participant.id,
                "org_id": taken.org.id,
                "re_referral": taken.re_referral,
            }
        upload = db.session.get(ReferralUpload, upload_id)
        assert upload is not None  # read above, in this very job
        upload.results = [*(upload.results or []), result]
        upload.rows_done = len(upload.results)
        upload.accepted = sum(1 for r in upload.results if r["outcome"] == "accepted")
        upload.rejected = upload.rows_done - upload.accepted
        db.session.commit()  # the row's participant (if any) and its line, together
        progress.set_progress(100 * index / len(rows), f"{index} of {len(rows)} rows read")
    upload.status = "done"
    upload.content = ""
    upload.finished_at = clock.now()
    audit.record(
        "referral_upload.finished",
        object_type="referral_upload",
        object_id=upload.id,
        org_id=upload.org_id,
        user_id=upload.uploaded_by_id,
        detail={
            "accepted": upload.accepted,
            "rejected": upload.rejected,
            "participant_ids": [r["participant_id"] for r in upload.results if r["outcome"] == "accepted"],
        },
    )
    db.session.commit()
    return _summary(upload)


def _summary(upload: ReferralUpload) -> dict[str, str]:
    org = db.session.get(Organisation, upload.org_id)
    assert org is not None  # upload.org_id is a foreign key to the organisation
    return {
        "message": f"{upload.accepted} referral{'s' if upload.accepted != 1 else ''} taken in, "
        f"{upload.rejected} rejected",
        "link": referrals.path_for("referrals.upload_result", org=org.slug, upload_id=upload.id),
        "link_text": "See the result of each row",
    }


def uploads_of(org: Organisation, limit: int = 10) -> list[ReferralUpload]:
    return list(
        db.session.scalars(
            select(ReferralUpload)
            .where(ReferralUpload.org_id == org.id)
            .order_by(ReferralUpload.created_at.desc(), ReferralUpload.id.desc())
            .limit(limit)
        )
    )


def earlier_same_file(upload: ReferralUpload) -> ReferralUpload | None:
    """An earlier upload of the very same file by the organisation, if any."""
    return db.session.scalars(
        select(ReferralUpload)
        .where(
            ReferralUpload.org_id == upload.org_id,
            ReferralUpload.sha256 == upload.sha256,
            ReferralUpload.id < upload.id,
        )
        .order_by(ReferralUpload.id.desc())
        .limit(1)
    ).first()


def organisation_names() -> dict[int, str]:
    """Where accepted rows went (the contract areas are no secret inside the service)."""
    return dict(db.session.execute(select(Organisation.id, Organisation.name)).all())


def job_of(upload: ReferralUpload) -> Job | None:
    return db.session.get(Job, upload.job_id) if upload.job_id else None
