"""DWP contract reports: the month's draft under review, and the published versions.

A draft is rebuilt in place (one per month) until the contract manager publishes it.
Publication copies it into a ``ContractReport``: an immutable document with its SHA-256,
version and publisher. A correction is a new version of the same month that names the
version it supersedes; both stay visible. Nothing updates or deletes a published row
(an ORM guard here, and a trigger on PostgreSQL: migration 0010_reporting).
"""

from datetime import date, datetime
from typing import Any, NoReturn

from sqlalchemy import JSON, Connection, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User


class ContractReportDraft(Model):
    """The draft report of one calendar month, as the last build left it."""

    __tablename__ = "contract_report_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The first day of the calendar month (Europe/London) the report covers.
    month: Mapped[date] = mapped_column(unique=True)
    # The report's content: canonical JSON (sorted keys), the same bytes for the same data.
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # Validation warnings for the reviewer (never published): [{"code", "org", "atw_reference", "text"}].
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The participants in the progress return, for the disclosures made on publication.
    participant_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    withheld: Mapped[int] = mapped_column(default=0)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who asked for the build (none: the scheduled run on the 1st).
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))

    built_by: Mapped[User | None] = relationship(lazy="joined")


class ContractReport(Model):
    """A published version of a month's report. Immutable once written."""

    __tablename__ = "contract_report"
    __table_args__ = (UniqueConstraint("month", "version", name="uq_contract_report_month_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(index=True)
    version: Mapped[int]
    # The published document (JSON text) exactly as DWP downloads it, and its SHA-256.
    document: Mapped[str] = mapped_column(Text, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The version this one corrects, and what it corrects.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("contract_report.id"), unique=True)
    correction_reason: Mapped[str] = mapped_column(String(500), default="")
    # Participants in the progress return (each has a disclosure to DWP); restricted ones withheld.
    participant_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    withheld: Mapped[int] = mapped_column(default=0)

    published_by: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ContractReport {self.month:%Y-%m} v{self.version}>"


class PublishedReportImmutable(RuntimeError):
    """A published contract report was about to be changed or deleted."""


@event.listens_for(ContractReport, "before_update")
def _refuse_update(mapper: Mapper[ContractReport], connection: Connection, target: ContractReport) -> NoReturn:
    raise PublishedReportImmutable(f"published contract report {target.id} cannot be changed: publish a correction")


@event.listens_for(ContractReport, "before_delete")
def _refuse_delete(mapper: Mapper[ContractReport], connection: Connection, target: ContractReport) -> NoReturn:
    raise PublishedReportImmutable(f"published contract report {target.id} cannot be deleted")
