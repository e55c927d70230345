"""Retention (DESIGN.md rules 7 and 10): rules per kind of record, their history,
legal holds, the DPO's destruction lists and their items.

Nothing here holds personal data: a destruction item names a kind and an id, the
rule that applies and why; a legal hold names the participant by id and the DPO's
reason (which should not repeat personal data).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User


class LegalHold(Model):
    """A legal hold on a participant: while it stands (not lifted) nothing of theirs
    is destroyed or erased. Lifting is recorded, never deleted."""

    __tablename__ = "legal_hold"
    __table_args__ = (Index("ix_legal_hold_participant_lifted", "participant_id", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the hold (and its history) outlives an erased participant row.
    participant_id: Mapped[int] = mapped_column(index=True)
    org_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_on: Mapped[date]
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lift_reason: Mapped[str] = mapped_column(Text, default="")

    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id], lazy="joined")
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id], lazy="joined")

    @property
    def active(self) -> bool:
        return self.lifted_at is None


RULE_KEYS = (
    "participant_record",
    "appointments",
    "consents",
    "disclosures",
    "rights_requests",
    "reports",
    "audit_events",
)
COUNTED_FROM = {"case_closed": "Case closed", "request_closed": "Request closed", "created": "Created"}


class RetentionRule(Model):
    """How long one kind of record is kept, counted from a named event. One row per
    kind (seeded by the migration with the README's defaults); changes leave a
    ``RetentionRuleChange``."""

    __tablename__ = "retention_rule"
    __table_args__ = (
        CheckConstraint("counted_from IN ('case_closed', 'request_closed', 'created')", name="counted_from"),
        CheckConstraint("period_months > 0", name="period_months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    period_months: Mapped[int]
    counted_from: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    updated_by: Mapped[User | None] = relationship(lazy="joined")


class RetentionRuleChange(Model):
    """History of a rule: each change, old and new values, who, when, why."""

    __tablename__ = "retention_rule_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("retention_rule.id"), index=True)
    old_period_months: Mapped[int]
    new_period_months: Mapped[int]
    old_counted_from: Mapped[str] = mapped_column(String(20))
    new_counted_from: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    changed_by: Mapped[User | None] = relationship(lazy="joined")


class DestructionList(Model):
    """What has passed its retention period on one day (built by the nightly job or
    on demand). Items are approved by the DPO before anything is destroyed."""

    __tablename__ = "destruction_list"
    __table_args__ = (CheckConstraint("status IN ('open', 'completed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    built_by: Mapped[User | None] = relationship(lazy="joined")
    items: Mapped[list["DestructionItem"]] = relationship(
        back_populates="destruction_list", order_by="DestructionItem.id", lazy="selectin"
    )


ITEM_STATUSES = ("pending", "held", "approved", "destroyed", "failed")


class DestructionItem(Model):
    """One record past its period: which kind and id, which rule, why (the event it
    is counted from and when the period ended). Ids only, never personal data."""

    __tablename__ = "destruction_item"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'held', 'approved', 'destroyed', 'failed')", name="status"),
        Index("ix_destruction_item_kind_object", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("destruction_list.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # the rule key
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(60))
    participant_id: Mapped[int | None]
    org_id: Mapped[int | None]
    counted_from_on: Mapped[date]
    period_ended_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("legal_hold.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The Tombstone left (no foreign key: the tombstone table comes later in the chain).
    tombstone_id: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(300), default="")

    destruction_list: Mapped[DestructionList] = relationship(back_populates="items")
    approved_by: Mapped[User | None] = relationship(lazy="joined")
