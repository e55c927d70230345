"""Access packages (UK GDPR Art. 15): build, review with redactions, release.

- ``start_package`` (the DPO, on a request linked to a participant) enqueues a tracked
  job; ``build_package`` collects every kind of record (``access_content.collect``)
  and stores a draft ZIP: a readable HTML summary, ``data.json`` and a CSV per kind.
- The DPO reads the draft's passages and redacts those about other people
  (``redact``: one ``AccessRedaction`` per passage, with the reason).
- ``release`` rebuilds the ZIP from the reviewed draft with the redactions applied,
  stores it and its hash, and records the release in the participant's disclosures
  register; ``released_file`` serves exactly that file (checked against its hash).

Allowed while the participant's processing is restricted (rule 5: the DPO's rights
workflows). Every step is audited with ids only.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from flask import render_template, url_for
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from portal import audit, clock, jobs, private_files, spreadsheets
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import authority_requests, disclosures
from portal.extensions import db
from portal.jobs import progress
from portal.models import AccessPackage, AccessRedaction, Participant
from portal.models.rights import RightsRequest
from portal.rights import access_content, rights_identity
from portal.rights.rights_workflows import NotLinked
from portal.validation import Invalid, Problems

if TYPE_CHECKING:
    from flask import Response

ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same content always makes the same file
REDACTED = "[Redacted: {reason}]"


class NotReady(ValueError):
    """The package is not in the state this step needs (still building, released)."""


def _participant(request: RightsRequest) -> Participant:

    if request.participant_id is None:
        raise NotLinked(request.id)
    participant = db.session.get(Participant, request.participant_id)
    assert participant is not None  # the request's foreign key
    ensure_not_restricted(participant, Action.RIGHTS_WORKFLOW, "an access package")
    return participant


def packages_of(request: RightsRequest) -> list[AccessPackage]:
    return list(
        db.session.scalars(
            select(AccessPackage).where(AccessPackage.rights_request_id == request.id).order_by(AccessPackage.id.desc())
        )
    )


def get_package(request: RightsRequest, package_id: int | str) -> AccessPackage:
    """The request's package with this id, or 404."""

    package = db.session.get(AccessPackage, int(package_id))
    if package is None or package.rights_request_id != request.id:
        raise NotFound()
    return package


def start_package(request: RightsRequest, user_id: int) -> AccessPackage:
    """Queue the build of a new access package for the request's participant."""
    authority_requests.require_dpo(user_id)
    participant = _participant(request)
    package = AccessPackage(
        org_id=participant.org_id,
        participant_id=participant.id,
        rights_request_id=request.id,
        status="building",
        created_by_id=user_id,
        created_at=clock.now(),
    )
    db.session.add(package)
    db.session.flush()
    job = jobs.enqueue(
        build_package, package.id, kind=Action.ACCESS_PACKAGE, org_id=participant.org_id, requested_by=user_id
    )
    package.job_id = job.id
    audit.record(
        "access_package.requested",
        object_type="access_package",
        object_id=package.id,
        participant_id=participant.id,
        user_id=user_id,
        org_id=participant.org_id,
        detail={"rights_request_id": request.id, "job_id": job.id},
    )
    db.session.commit()
    return package


def _csv(section: dict[str, Any]) -> bytes:
    return spreadsheets.csv_bytes(
        ([row.get(key, "") for key, _label in section["columns"]] for row in section["rows"]),
        header=[label for _key, label in section["columns"]],
    )


def make_zip(package: AccessPackage, sections: list[dict[str, Any]]) -> bytes:
    """The package file: summary.html, data.json and one CSV per section."""
    buffer = io.BytesIO()
    html = render_template("access/package_summary.html", sections=sections, package=package)
    data = json.dumps(
        {"package": package.id, "participant": package.participant_id, "sections": sections},
        indent=2,
        ensure_ascii=False,
        sort_keys=True,
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [("summary.html", html.encode("utf-8")), ("data.json", data.encode("utf-8"))] + [
            (f"{s['key']}.csv", _csv(s)) for s in sections
        ]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def build_package(package_id: int) -> dict[str, Any]:
    """The job: collect the record and store the draft. Safe to run twice (a package
    already built is left as it is)."""
    package = db.session.get(AccessPackage, package_id)
    if package is None:
        raise jobs.Fail("no such access package")
    if package.status == "building":
        participant = db.session.get(Participant, package.participant_id)
        assert participant is not None  # the package's foreign key
        sections = access_content.collect(participant, progress=progress.set_progress)
        progress.set_progress(95, "Writing the package")
        stored = private_files.store("access_packages", make_zip(package, sections), "application/zip")
        package.draft_key, package.draft_sha256, package.status = stored.key, stored.sha256, "ready"
        audit.record(
            "access_package.built",
            object_type="access_package",
            object_id=package.id,
            participant_id=package.participant_id,
            org_id=package.org_id,
            detail={"sha256": stored.sha256, "sections": len(sections)},
        )
    return {
        "message": "The access package is ready for review.",
        "link": url_for("dpo.rights.access_review", request_id=package.rights_request_id, package_id=package.id),
        "link_text": "Review the access package",
    }


def draft_sections(package: AccessPackage) -> list[dict[str, Any]]:
    """The content the DPO reviews: the draft file's data.json."""
    if package.draft_key is None:
        raise NotReady("the package has not been built")
    with zipfile.ZipFile(io.BytesIO(private_files.read(package.draft_key))) as archive:
        sections: list[dict[str, Any]] = json.loads(archive.read("data.json"))["sections"]
        return sections


def review(package: AccessPackage, user_id: int) -> list[tuple[str, str, str, str, AccessRedaction | None]]:
    """The draft's passages, each with its redaction (or None); the read is audited."""
    sections = draft_sections(package)
    redactions = {r.passage_key: r for r in package.redactions}
    audit.record(
        "access_package.reviewed",
        object_type="access_package",
        object_id=package.id,
        participant_id=package.participant_id,
        user_id=user_id,
        org_id=package.org_id,
    )
    db.session.commit()
    return [
        (key, title, label, text, redactions.get(key)) for key, title, label, text in access_content.passages(sections)
    ]


def redact(package: AccessPackage, passage_key: str, reason: str, user_id: int) -> AccessRedaction:
    """Withhold one passage of the draft from the release, with the reason (it is
    about another person, say)."""
    authority_requests.require_dpo(user_id)
    if package.status != "ready":
        raise NotReady("only a built, unreleased package can be redacted")
    problems = []
    reason = (reason or "").strip()
    keys = {key for key, *_ in access_content.passages(draft_sections(package))}
    if passage_key not in keys:
        problems.append(Invalid("Choose a passage to redact", "passage_key"))
    elif any(r.passage_key == passage_key for r in package.redactions):
        problems.append(Invalid("That passage is already redacted", "passage_key"))
    if not reason:
        problems.append(Invalid("Enter why the passage is withheld", "reason"))
    elif len(reason) > 500:
        problems.append(Invalid("Reason must be 500 characters or fewer", "reason"))
    if problems:
        raise Problems(problems)
    # Through the relationship, so the package's loaded redactions include it after the commit.
    redaction = AccessRedaction(
        package=package, passage_key=passage_key, reason=reason, redacted_by_id=user_id, redacted_at=clock.now()
    )
    db.session.add(redaction)
    db.session.flush()
    audit.record(
        "access_package.redacted",
        object_type="access_redaction",
        object_id=redaction.id,
        participant_id=package.participant_id,
        user_id=user_id,
        org_id=package.org_id,
        detail={"package_id": package.id, "passage_key": passage_key},
    )
    db.session.commit()
    return redaction


def reviewed_sections(package: AccessPackage) -> list[dict[str, Any]]:
    """The draft with every redacted passage replaced by the redaction notice."""
    sections = draft_sections(package)
    by_key = {r.passage_key: r.reason for r in package.redactions}
    for section in sections:
        for index, row in enumerate(section["rows"]):
            for column in section["passages"]:
                reason = by_key.get(f"{section['key']}/{index}/{column}")
                if reason is not None:
                    row[column] = REDACTED.format(reason=reason)
    return sections


def release(package: AccessPackage, user_id: int) -> AccessPackage:
    """Release the reviewed package: rebuild the ZIP from the reviewed content with the
    redactions applied, store it with its hash, and record the disclosure to the
    participant (legal obligation: UK GDPR Art. 15). Refused until the requester's
    identity is verified (rule 5: ``rights_identity.require_identity_verified``);
    building and reviewing the draft may go ahead meanwhile, as they disclose nothing."""
    authority_requests.require_dpo(user_id)
    if package.status != "ready":
        raise NotReady("only a built, unreleased package can be released")
    request = db.session.get(RightsRequest, package.rights_request_id) if package.rights_request_id else None
    if request is None:
        raise NotReady("a package is released only in answer to a rights request")
    rights_identity.require_identity_verified(request, "release the access package", user_id)
    participant = db.session.get(Participant, package.participant_id)
    assert participant is not None  # the package's foreign key
    sections = reviewed_sections(package)
    stored = private_files.store("access_packages", make_zip(package, sections), "application/zip")
    try:
        disclosure = disclosures.record_disclosure(
            participant,
            "other",
            "The participant (subject access request)",
            "Right of access (UK GDPR Article 15)",
            [s["title"] for s in sections if s["rows"]],
            summary=f"Access package {package.id} released",
            legal_basis="legal_obligation",
            copy_path=stored.key,
            copy_content_type="application/zip",
            method="access package",
            user_id=user_id,
            source="access_package",
            source_id=package.id,
        )
        package.released_key, package.released_sha256 = stored.key, stored.sha256
        package.released_at, package.released_by_id = clock.now(), user_id
        package.disclosure_id, package.status = disclosure.id, "released"
        audit.record(
            "access_package.released",
            object_type="access_package",
            object_id=package.id,
            participant_id=package.participant_id,
            user_id=user_id,
            org_id=package.org_id,
            detail={"sha256": stored.sha256, "disclosure_id": disclosure.id, "redactions": len(package.redactions)},
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        private_files.delete(stored.key)
        raise
    return package


def released_file(package: AccessPackage, user_id: int) -> Response:
    """The released file as a download: exactly what was released (hash checked)."""
    if package.status != "released" or not package.released_key:
        raise NotReady("the package has not been released")
    body = private_files.read(package.released_key)
    if hashlib.sha256(body).hexdigest() != package.released_sha256:
        raise NotReady("the stored package does not match its recorded hash")
    audit.record(
        "access_package.downloaded",
        object_type="access_package",
        object_id=package.id,
        participant_id=package.participant_id,
        user_id=user_id,
        org_id=package.org_id,
    )
    db.session.commit()
    return private_files.response(package.released_key, "application/zip", f"access-package-{package.id}.zip")
