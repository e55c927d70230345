"""Background jobs: one row per piece of background work, whatever runs it.

The row is the truth people see on the job page (status, progress, result or error);
rq (or the inline runner) only carries the job's id. See portal/jobs.py.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime

STATUSES = ("queued", "running", "retrying", "done", "failed")
# A job in one of these may still be (re)run; done and failed are final.
UNFINISHED = ("queued", "running", "retrying")


class Job(Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'retrying', 'done', 'failed')", name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), index=True)
    # "package.module:function" of a module-level function taking ids / plain JSON values.
    function: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    progress_message: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[dict[str, Any] | list[Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # Periodic runs: "periodic:<name>:<UTC run time>", so one scheduled run is one row.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def rq_id(self) -> str:
        """The rq job id: derived from the row alone, so dispatching twice is one rq job,
        and unique across databases that reuse ids (a reset development database)."""
        return f"portal-job-{self.id}-{self.created_at:%Y%m%d%H%M%S%f}"

    @property
    def link(self) -> str | None:
        if isinstance(self.result, dict):
            link = self.result.get("link")
            if isinstance(link, str):
                return link
        return None

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
