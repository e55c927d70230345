"""Versions of the participant privacy notice, published by the DPO.

The notice promises that "all updated versions will be marked by a change note and
version number"; each consent keeps the version the participant saw, so a published
version is never changed: the service refuses it, and there is no route that could.
The current version is the published one with the latest publication date on or
before today.
"""

from datetime import date, datetime

from sqlalchemy import Select, select

from portal import audit, clock
from portal.extensions import db
from portal.models import PrivacyNotice
from portal.validation import Invalid, Problems, clean_text

MAX_TEXT = 100_000


class NoticePublished(Exception):
    """A published version cannot be changed."""


def _clean(
    version: str | None,
    published_on: date | None,
    text: str | None,
    change_note: str | None,
    exclude_id: int | None = None,
) -> dict[str, object]:
    """Every version after the first needs a change note (the notice's promise)."""
    problems = []
    try:
        version = clean_text(version, "the version number", 20, required=True)
        taken = db.session.scalars(select(PrivacyNotice.id).where(PrivacyNotice.version == version)).first()
        if taken is not None and taken != exclude_id:
            problems.append(
                Invalid(f"Version {version} already exists: give this version a new number", field="version")
            )
    except Invalid as problem:
        problem.field = "version"
        problems.append(problem)
    if not isinstance(published_on, date):
        problems.append(Invalid("Enter the publication date", field="published_on"))
    try:
        text = clean_text(text, "the text of the notice", MAX_TEXT, required=True)
    except Invalid as problem:
        problem.field = "text"
        problems.append(problem)
    try:
        change_note = clean_text(change_note, "the change note", 5000)
        if not change_note and any(n.id != exclude_id for n in published_notices()):
            problems.append(Invalid("Enter a change note: what changed since the last version", field="change_note"))
    except Invalid as problem:
        problem.field = "change_note"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    return {"version": version, "published_on": published_on, "text": text, "change_note": change_note}


def create_draft(
    version: str | None,
    published_on: date | None,
    text: str | None,
    change_note: str | None,
    reconsent_required: bool,
    user_id: int | None,
) -> PrivacyNotice:
    """A new draft version."""
    values = _clean(version, published_on, text, change_note)
    now = clock.now()
    notice = PrivacyNotice(
        **values,
        reconsent_required=bool(reconsent_required),
        status="draft",
        created_by_id=user_id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(notice)
    db.session.flush()
    audit.record("privacy_notice.drafted", object_type="privacy_notice", object_id=notice.id, user_id=user_id)
    db.session.commit()
    return notice


def update_draft(
    notice: PrivacyNotice,
    version: str | None,
    published_on: date | None,
    text: str | None,
    change_note: str | None,
    reconsent_required: bool,
    user_id: int | None,
) -> PrivacyNotice:
    """Change a draft. A published version is read-only."""
    if notice.published:
        raise NoticePublished(notice.version)
    values = _clean(version, published_on, text, change_note, exclude_id=notice.id)
    for name, value in values.items():
        setattr(notice, name, value)
    notice.reconsent_required = bool(reconsent_required)
    notice.updated_at = clock.now()
    audit.record("privacy_notice.changed", object_type="privacy_notice", object_id=notice.id, user_id=user_id)
    db.session.commit()
    return notice


def publish(notice: PrivacyNotice, user_id: int | None) -> PrivacyNotice:
    """Publish a draft: from its publication date it is the version shown when
    consent is recorded, and it can no longer be changed."""
    if notice.published:
        raise NoticePublished(notice.version)
    latest = latest_published()
    if latest is not None and notice.published_on < latest.published_on:
        raise Problems(
            [
                Invalid(
                    f"The publication date must be on or after that of version {latest.version} "
                    f"({latest.published_on.day} {latest.published_on:%B %Y})",
                    field="published_on",
                )
            ]
        )
    notice.status = "published"
    notice.published_by_id = user_id
    db.session.expire(notice, ["published_by"])  # its joined relationship was loaded with the old value
    notice.published_at = clock.now()
    audit.record(
        "privacy_notice.published",
        object_type="privacy_notice",
        object_id=notice.id,
        user_id=user_id,
        detail={"reconsent_required": notice.reconsent_required},
    )
    db.session.commit()
    return notice


def _published() -> Select[PrivacyNotice]:
    return (
        select(PrivacyNotice)
        .where(PrivacyNotice.status == "published")
        .order_by(PrivacyNotice.published_on.desc(), PrivacyNotice.published_at.desc(), PrivacyNotice.id.desc())
    )


def published_notices() -> list[PrivacyNotice]:
    return list(db.session.scalars(_published()))


def latest_published() -> PrivacyNotice | None:
    return db.session.scalars(_published()).first()


def current_notice(on: date | None = None) -> PrivacyNotice | None:
    """The version in force on ``on`` (today): the latest published on or before it."""
    on = on or clock.today()
    return db.session.scalars(_published().where(PrivacyNotice.published_on <= on)).first()


def all_notices() -> list[PrivacyNotice]:
    """Drafts first, then published versions newest first (the DPO's list)."""
    drafts = db.session.scalars(
        select(PrivacyNotice).where(PrivacyNotice.status == "draft").order_by(PrivacyNotice.created_at.desc())
    ).all()
    return list(drafts) + published_notices()


def notice_order(notice: PrivacyNotice) -> tuple[date, datetime, int]:
    """Sort key of published versions: publication date, then when published."""
    return (notice.published_on, notice.published_at or clock.now(), notice.id)
