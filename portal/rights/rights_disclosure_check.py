"""The one-off check for disclosures made to a requester before their identity was
verified (issue 15, item 2).

Before the rule that nothing is disclosed to a requester until their identity (or
authority) is verified was enforced by the service (``rights_requests.
require_identity_verified``), an access package could be released, or a portability
export made, on a request whose identity step was still pending, or marked "not
needed" by whoever logged it. This check finds each such disclosure and puts it on the
DPO's review list (``DisclosureReview``, the list the emergency overrides use) as a
possible breach. It is audited, and safe to run twice: a disclosure already on the
list for this concern is not added again.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from sqlalchemy import select

from portal import audit
from portal.consent import disclosure_reviews
from portal.extensions import db
from portal.models import AccessPackage, Disclosure
from portal.models.rights import PortabilityExport, RightsRequest
from portal.months import london_date
from portal.notifications import notify
from portal.permissions import dpo_user_ids

KIND = "identity_not_verified"
FOUND_BY = "recheck-rights-disclosures"


@dataclass
class RecheckResult:
    checked: int = 0
    raised: list[int] = field(default_factory=list)
    already: int = 0


def identity_state_at(request: RightsRequest, moment: datetime) -> str | None:
    """Why identity was not verified at ``moment``, or None if it was. Rows made before
    the identity step recorded its time fall back to the evidence date."""
    status = request.identity_status
    decided_at = request.identity_decided_at
    if status == "proved":
        if decided_at is not None:
            return None if decided_at <= moment else "still pending"
        arrived = request.identity_received_on
        return None if arrived is None or arrived <= cast(date, london_date(moment)) else "still pending"
    if status == "not_needed":
        if request.identity_decided_by_id is not None and decided_at is not None and decided_at <= moment:
            return None
        return "not needed, said when logged, never confirmed by the DPO"
    return "still pending" if status == "pending" else "never proved (the request was closed for that)"


def _disclosures() -> Iterator[tuple[str, int, AccessPackage | PortabilityExport, datetime, RightsRequest]]:
    """(what, its id, its row, when, request) for every disclosure to a requester."""
    packages = db.session.execute(
        select(AccessPackage, RightsRequest)
        .join(RightsRequest, RightsRequest.id == AccessPackage.rights_request_id)
        .where(AccessPackage.status == "released", AccessPackage.disclosure_id.is_not(None))
        .order_by(AccessPackage.id)
    ).all()
    for package, request in packages:
        assert package.released_at is not None  # set when a package is released
        yield "Access package", package.id, package, package.released_at, request
    exports = db.session.execute(
        select(PortabilityExport, RightsRequest)
        .join(RightsRequest, RightsRequest.id == PortabilityExport.request_id)
        .where(PortabilityExport.disclosure_id.is_not(None))
        .order_by(PortabilityExport.id)
    ).all()
    for export, request in exports:
        yield "Portability export", export.id, export, export.created_at, request


def recheck_identity_disclosures() -> RecheckResult:
    """Put every access package release and portability export made while the
    requester's identity was not verified on the DPO's review list; notify the DPOs
    when anything was added. One audit event lists what was checked and raised."""

    result = RecheckResult()
    participant_ids: list[int] = []
    for label, source_id, row, moment, request in list(_disclosures()):
        result.checked += 1
        state = identity_state_at(request, moment)
        if state is None:
            continue
        disclosure = db.session.get(Disclosure, row.disclosure_id)
        assert disclosure is not None  # only rows with a disclosure are listed
        item = disclosure_reviews.flag(
            disclosure,
            KIND,
            f"{label} {source_id} for rights request {request.reference} was disclosed on "
            f"{london_date(moment):%-d %B %Y} while the requester's identity was {state}",
            FOUND_BY,
        )
        if item is None:
            result.already += 1
            continue
        result.raised.append(item.id)
        participant_ids.append(row.participant_id)
    audit.record(
        "disclosure_review.identity_recheck",
        object_type="disclosure_review",
        detail={
            "checked": result.checked,
            "raised": result.raised,
            "already": result.already,
            "participant_ids": sorted(set(participant_ids)),
        },
    )
    if result.raised:
        count = len(result.raised)
        for dpo_id in dpo_user_ids():
            notify(
                dpo_id,
                "disclosure_review",
                f"{count} disclosure{'s' if count != 1 else ''} made before the requester's identity was verified "
                "wait for your review",
                "/dpo/overrides",
                email_subject="Disclosures wait for your review",
            )
    db.session.commit()
    return result
