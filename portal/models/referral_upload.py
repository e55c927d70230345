"""A CSV file of referrals and its row-by-row result.

The file is kept only until its job has read it (then blanked: data minimisation);
the result keeps line numbers, outcomes and reasons, never the rows' personal data.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

UPLOAD_STATUSES = ("queued", "running", "done", "failed")


class ReferralUpload(Model):
    __tablename__ = "referral_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    # The tracked job (portal.jobs) that reads the file.
    job_id: Mapped[int | None]
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    # [{"line": 2, "outcome": "accepted" | "rejected", "reasons": [...],
    #   "participant_id": 7 | None, "org_id": 3 | None}, ...]
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
