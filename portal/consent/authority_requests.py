"""Requests for a participant's data from HMRC, the police or another authority.

The notice: "In certain circumstances we may be legally required to share personal
information with other organisations, such as the HMRC or law enforcement agencies
for the detection and prevention of crime and fraud." Any staff member but DWP's
logs a request the day it arrives (who asked, the legal basis they cite, what they
want, by when); only the DPO approves or refuses it, with reasons; what is then
disclosed is written to the participant's register under the legal basis relied
on. The person who logged a request sees its status, never the participant it was
matched to (they may have no access to that record).
"""

from datetime import date, datetime

from sqlalchemy import func, select

from portal import audit, clock
from portal.access.participant_access import ParticipantRestricted
from portal.consent import disclosures
from portal.extensions import db
from portal.models import AuthorityRequest, Disclosure, Participant, User
from portal.models.authority_request import AUTHORITY_TYPES, REQUEST_REASONS
from portal.models.disclosure import LEGAL_BASES
from portal.notifications import notify
from portal.permissions import STAFF, dpo_user_ids
from portal.validation import Invalid, Problems, clean_text

DATA_CATEGORIES = (
    "Name, date of birth and contact details",
    "National Insurance number",
    "Employment information",
    "Dates of attendance and contact",
    "Health and wellbeing information",
    "Case notes",
)


class NotTheDpo(PermissionError):
    """Only the DPO decides authority requests and records what they disclose."""


def require_dpo(user_id: int | None) -> User:
    user = db.session.get(User, user_id) if user_id else None
    if user is None or "dpo" not in user.all_roles():
        raise NotTheDpo(user_id)
    return user


def required_text(
    problems: list[Invalid], name: str, value: str | None, label: str, limit: int, required: bool = True
) -> str:
    try:
        return clean_text(value, label, limit, required=required)
    except Invalid as problem:
        problem.field = name
        problems.append(problem)
        return ""


def log_request(
    authority_type: str,
    requester: str | None,
    reason: str,
    legal_basis_cited: str | None,
    what_requested: str | None,
    subject_details: str | None,
    received_on: date | None,
    respond_by: date | None,
    user_id: int | None,
) -> AuthorityRequest:
    """Log a request as it arrived. Any staff member may; DWP's users may not
    (the commissioner does not act as an authority through this portal)."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not (user.all_roles() & STAFF):
        raise PermissionError("only staff of the partnership log authority requests")
    problems = []
    if authority_type not in AUTHORITY_TYPES:
        problems.append(Invalid("Select who the request is from", field="authority_type"))
    if reason not in REQUEST_REASONS:
        problems.append(Invalid("Select what the request is about", field="reason"))
    requester = required_text(
        problems, "requester", requester, "who asked: the organisation, the officer and how to contact them", 500
    )
    legal_basis_cited = required_text(
        problems, "legal_basis_cited", legal_basis_cited, "the legal basis they cite", 500
    )
    what_requested = required_text(problems, "what_requested", what_requested, "what they asked for", 5000)
    subject_details = required_text(problems, "subject_details", subject_details, "who the request is about", 2000)
    today = clock.today()
    if received_on is None:
        problems.append(Invalid("Enter the date the request arrived", field="received_on"))
    elif received_on > today:
        problems.append(Invalid("The date the request arrived must be today or in the past", field="received_on"))
    if respond_by is not None and received_on is not None and respond_by < received_on:
        problems.append(
            Invalid("The date to answer by must be on or after the date the request arrived", field="respond_by")
        )
    if problems:
        raise Problems(problems)
    request = AuthorityRequest(
        authority_type=authority_type,
        requester=requester,
        reason=reason,
        legal_basis_cited=legal_basis_cited,
        what_requested=what_requested,
        subject_details=subject_details,
        received_on=received_on,
        respond_by=respond_by,
        logged_by_id=user_id,
        logged_at=clock.now(),
        status="awaiting_decision",
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "authority_request.logged",
        object_type="authority_request",
        object_id=request.id,
        user_id=user_id,
        detail={"authority_type": authority_type, "reason": reason},
    )

    for dpo_id in dpo_user_ids():
        notify(
            dpo_id,
            "authority_request",
            "A request for a participant’s data from an authority waits for your decision",
            f"/dpo/authority-requests/{request.id}",
            email_subject="An authority request waits",
        )
    db.session.commit()
    return request


def logged_by(user_id: int) -> list[AuthorityRequest]:
    return list(
        db.session.scalars(
            select(AuthorityRequest)
            .where(AuthorityRequest.logged_by_id == user_id)
            .order_by(AuthorityRequest.logged_at.desc())
        )
    )


def all_requests() -> list[AuthorityRequest]:
    """Open requests first, soonest answer-by date first; then the decided ones."""
    rows = db.session.scalars(select(AuthorityRequest).order_by(AuthorityRequest.logged_at.desc())).all()
    open_rows = sorted((r for r in rows if r.open), key=lambda r: (r.respond_by or date.max, r.logged_at))
    return open_rows + [r for r in rows if not r.open]


def find_participant(atw_reference: str | None) -> Participant | None:
    """The participant with this AtW reference, in any organisation (the DPO's reach)."""
    ref = "".join(str(atw_reference or "").split()).upper()
    if not ref:
        return None
    return db.session.scalars(select(Participant).where(func.upper(Participant.atw_reference) == ref)).first()


def decide(
    request: AuthorityRequest,
    decision: str,
    atw_reference: str | None,
    legal_basis: str | None,
    reasons: str | None,
    user_id: int,
) -> AuthorityRequest:
    """The DPO approves (naming the participant and the legal basis relied on) or
    refuses the request, with reasons. Nobody else may."""
    require_dpo(user_id)
    if request.status != "awaiting_decision":
        raise Problems([Invalid("This request has already been decided", field="decision")])
    problems = []
    if decision not in ("approve", "refuse"):
        problems.append(Invalid("Select whether you approve or refuse the request", field="decision"))
    reasons = required_text(problems, "reasons", reasons, "the reasons for your decision", 5000)
    participant = None
    if (atw_reference or "").strip():
        participant = find_participant(atw_reference)
        if participant is None:
            problems.append(Invalid("No participant has this Access to Work reference", field="atw_reference"))
    elif decision == "approve":
        problems.append(
            Invalid("Enter the Access to Work reference of the participant the request is about", field="atw_reference")
        )
    if decision == "approve" and legal_basis not in LEGAL_BASES:
        problems.append(Invalid("Select the legal basis the disclosure relies on", field="legal_basis"))
    if problems:
        raise Problems(problems)
    if participant is not None:
        request.participant_id = participant.id
        request.org_id = participant.org_id
    request.status = "approved" if decision == "approve" else "refused"
    request.legal_basis = legal_basis if decision == "approve" else None
    request.decided_by_id = user_id
    db.session.expire(request, ["decided_by"])  # its joined relationship was loaded with the old value
    request.decided_at = clock.now()
    request.decision_reasons = reasons
    audit.record(
        "authority_request.decided",
        object_type="authority_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        org_id=request.org_id,
        detail={"decision": request.status, "legal_basis": request.legal_basis},
    )
    db.session.commit()
    return request


def record_disclosure(
    request: AuthorityRequest,
    data_categories: list[str] | None,
    summary: str | None,
    method: str | None,
    disclosed_at: datetime | None,
    user_id: int,
) -> Disclosure:
    """What was disclosed to the authority, written to the participant's register
    under the legal basis the DPO relied on. Refused while the participant's
    processing is restricted: the DPO lifts the restriction first if the law
    requires the disclosure."""
    require_dpo(user_id)
    if request.status != "approved" or request.participant_id is None:
        raise Problems([Invalid("Only an approved request can be answered", field="summary")])
    participant = db.session.get(Participant, request.participant_id)
    assert participant is not None  # request.participant_id is a foreign key to the participant
    problems = []
    chosen = [c for c in DATA_CATEGORIES if c in (data_categories or [])]
    if not chosen:
        problems.append(Invalid("Select the categories of information disclosed", field="data_categories"))
    summary = required_text(problems, "summary", summary, "what was disclosed", 5000)
    method = required_text(problems, "method", method, "how it was sent, like ‘secure email’", 40)
    if disclosed_at is None:
        problems.append(Invalid("Enter the date and time it was disclosed", field="disclosed_on"))
    elif disclosed_at > clock.now():
        problems.append(Invalid("The date and time it was disclosed must be now or in the past", field="disclosed_on"))
    if problems:
        raise Problems(problems)
    if participant.restricted:
        raise Problems(
            [
                Invalid(
                    "This participant’s processing is restricted: nothing may be disclosed until the "
                    "restriction is lifted",
                    field="summary",
                )
            ]
        )
    try:
        disclosure = disclosures.record_disclosure(
            participant,
            "authority",
            f"{request.authority_label}: {request.requester}",
            f"{request.reason_label} request from {request.authority_label}",
            chosen,
            summary=summary,
            legal_basis=request.legal_basis,
            legal_basis_detail=request.legal_basis_cited,
            method=method,
            disclosed_at=disclosed_at,
            user_id=user_id,
            source="authority_request",
            source_id=request.id,
        )
    except ParticipantRestricted:  # restricted since the check above
        db.session.rollback()
        raise Problems(
            [Invalid("This participant’s processing is restricted: nothing may be disclosed", field="summary")]
        ) from None
    request.status = "disclosed"
    request.disclosure_id = disclosure.id
    audit.record(
        "authority_request.disclosed",
        object_type="authority_request",
        object_id=request.id,
        participant_id=participant.id,
        user_id=user_id,
        org_id=participant.org_id,
        detail={"disclosure_id": disclosure.id},
    )
    db.session.commit()
    return disclosure
