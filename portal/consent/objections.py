"""Objections (UK GDPR Art. 21), as read by what they stop: an objection to research
outweighs any consent to identifiable research contact (``consents``), and an
objection to statistics leaves the participant out of every statistics extract
(``portal.reporting.statistics``). The rights area records them
(``portal.rights.rights_workflows.record_objection``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.rights import Objection


def objects_to(participant_id: int, scope: str) -> bool:
    """Whether the participant has a standing objection of ``scope``."""
    count = db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.participant_id == participant_id, Objection.scope == scope, Objection.withdrawn_at.is_(None)
        )
    )
    return bool(count)


def objectors(participant_ids: Iterable[int], scope: str) -> set[int]:
    """Those of ``participant_ids`` with a standing objection of ``scope`` (a list's
    ``objects_to``, in one query)."""
    ids = list(participant_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Objection.participant_id).where(
                Objection.participant_id.in_(ids), Objection.scope == scope, Objection.withdrawn_at.is_(None)
            )
        )
    )


def all_objectors(scope: str) -> set[int]:
    """Every participant with a standing objection of ``scope``."""
    return set(
        db.session.scalars(
            select(Objection.participant_id).where(Objection.scope == scope, Objection.withdrawn_at.is_(None))
        )
    )


def objections_of(participant_id: int) -> list[Objection]:
    """A participant's objections, standing or withdrawn, oldest first."""
    return list(
        db.session.scalars(select(Objection).where(Objection.participant_id == participant_id).order_by(Objection.id))
    )
