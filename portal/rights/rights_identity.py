"""Identity before disclosure (DESIGN.md rule 5; the notice: identity is confirmed
before a request is answered).

Nothing is disclosed to a requester (an access package released, a portability
export, an outcome that answers a request about a participant) until their identity,
or their authority to act for the person, is verified: proved, or recorded as not
needed by the DPO with a reason (``RightsRequest.identity_verified``; the DPO's step is
``rights_requests.record_identity``). Every service that discloses to a requester calls
``require_identity_verified`` first; a refusal is audited and says why.
"""

from portal import audit
from portal.extensions import db
from portal.models.rights import RIGHTS, RightsRequest


class IdentityNotVerified(PermissionError):
    """A disclosure to the requester waits for the identity step (``record_identity``)."""

    def __init__(self, request: RightsRequest, what: str):
        self.request_id = request.id
        self.what = what
        if request.identity_status == "not_needed":
            why = (
                "identity was marked “not needed” when the request was logged, but only the DPO can decide "
                "that, with a reason"
            )
        elif request.identity_status == "failed":
            why = "their identity or authority was not proved"
        else:
            why = "the evidence of their identity or authority has not been recorded"
        self.message = (
            f"You cannot {what} yet: {why}. Nothing is disclosed to a requester until their identity, "
            "or their authority to act for the person, is verified"
        )
        super().__init__(self.message)


def require_identity_verified(request: RightsRequest, what: str, user_id: int | None) -> None:
    """DESIGN.md rule 5 and the notice (identity is confirmed before a request is
    answered): every disclosure to a requester (an access package released, a
    portability export, an outcome that discloses) calls this first. It passes when
    identity is proved, or the DPO recorded that no evidence is needed, with a
    reason. A refusal is audited."""
    if request.identity_verified:
        return
    db.session.rollback()
    audit.record_and_commit(
        "rights_request.disclosure_refused",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        outcome="refused",
        detail={"what": what, "identity_status": request.identity_status},
    )
    raise IdentityNotVerified(request, what)


# Rights whose "done" tells the requester something about the person (that a record
# exists, what it holds, what became of it). The privacy notice alone discloses
# nothing personal.
DISCLOSING_RIGHTS = frozenset(RIGHTS) - {"informed"}


def outcome_discloses(request: RightsRequest, outcome: str | None) -> bool:
    """An outcome discloses when it answers, in whole or in part, a request linked to
    a participant for a right other than the privacy notice."""
    return (
        outcome in ("done", "partly_done")
        and request.participant_id is not None
        and bool(DISCLOSING_RIGHTS & set(request.right_codes))
    )
