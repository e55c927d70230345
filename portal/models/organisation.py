"""Organisations: the tenants of the portal."""

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model

KINDS = ("lead", "delivery", "commissioner")


class Organisation(Model):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("kind IN ('lead', 'delivery', 'commissioner')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))

    @property
    def delivers(self) -> bool:
        """Lead and delivery organisations hold caseloads and casework URLs."""
        return self.kind in ("lead", "delivery")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"
