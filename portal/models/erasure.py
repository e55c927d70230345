"""Erasure tombstones, access packages and their redactions (UK GDPR Arts. 15 and 17).

A ``Tombstone`` is what is left when a record is erased or destroyed: which record
(by id), what kind of thing was erased and which fields, when, on what basis (a
rights request or a retention rule) and who confirmed it. It never holds personal
data, so it outlives the record it describes.

An ``AccessPackage`` is the copy of a participant's data built for an access
request: a draft ZIP (built by a tracked job) that the DPO reviews, redacting
passages about other people (each an ``AccessRedaction`` with its reason), then the
released ZIP rebuilt from the reviewed content with its hash. The package files are
kept in the private file store; the rows hold keys, hashes and ids only.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

TOMBSTONE_BASES = ("rights_request", "retention")
PACKAGE_STATUSES = ("building", "ready", "released", "failed")


class Tombstone(Model):
    __tablename__ = "tombstone"
    __table_args__ = (
        CheckConstraint("basis IN ('rights_request', 'retention')", name="basis"),
        Index("ix_tombstone_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    # A summary without personal data: "participant record: 3 case notes, 2 appointments ..."
    what: Mapped[str] = mapped_column(Text)
    # The fields erased or anonymised, as "table.column".
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # No foreign key: the request log is another area's, and the tombstone names it by id.
    rights_request_id: Mapped[int | None] = mapped_column(index=True)
    basis: Mapped[str] = mapped_column(String(30))
    rule: Mapped[str | None] = mapped_column(String(60))

    confirmed_by: Mapped[User | None] = relationship(lazy="joined")


class AccessPackage(Model):
    __tablename__ = "access_package"
    __table_args__ = (CheckConstraint("status IN ('building', 'ready', 'released', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    rights_request_id: Mapped[int | None] = mapped_column(index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    status: Mapped[str] = mapped_column(String(20), default="building")
    draft_key: Mapped[str | None] = mapped_column(String(200))
    draft_sha256: Mapped[str] = mapped_column(String(64), default="")
    released_key: Mapped[str | None] = mapped_column(String(200))
    released_sha256: Mapped[str] = mapped_column(String(64), default="")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    redactions: Mapped[list["AccessRedaction"]] = relationship(
        back_populates="package", order_by="AccessRedaction.id", cascade="all, delete-orphan"
    )


class AccessRedaction(Model):
    """One passage of a package withheld before release, and why (it is about someone
    else, say). The passage is named by its key in the package, never copied here."""

    __tablename__ = "access_redaction"
    __table_args__ = (UniqueConstraint("package_id", "passage_key", name="uq_access_redaction_passage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("access_package.id"), index=True)
    passage_key: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(500))
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    redacted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    package: Mapped[AccessPackage] = relationship(back_populates="redactions")
    redacted_by: Mapped[User | None] = relationship(lazy="joined")
