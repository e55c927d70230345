"""Who may open a participant's record, in one place (DESIGN.md "Who may see what").

Every casework URL (``/<org>/participants/<id>/...``) fetches its participant with
``get_participant(participant_id, need)``, which:

1. looks the participant up in the request's organisation only (``tenancy.scoped_get``:
   another organisation's participant is a 404, indistinguishable from a missing one);
2. answers 404 to anyone without participant access in that organisation (dpo,
   contract_manager, admin, dwp: they have their own routes, or none);
3. refuses staff whose data protection training is older than 12 months (rule 9);
4. gives the assigned VRC and the organisation's team managers the full record;
   sends the organisation's other VRCs and its out-of-hours staff to the verbal-consent
   check (the out-of-hours issue's page; until it exists they are refused with a 403
   that says why), and lets them through to the limited view once they hold a live,
   time-boxed grant (``has_live_grant``).

Pages that show a participant's data write an audit event carrying the participant's
id (``audit_view``); list pages write one event listing the ids shown (``audit_list``).
``ensure_not_restricted`` is the one guard every change, letter, contact and
individual export calls while the DPO has restricted processing (rule 5).
"""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, ParamSpec, Protocol, TypeVar

from dateutil.relativedelta import relativedelta
from flask import g, redirect, url_for
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, HTTPException
from werkzeug.wrappers import Response

from portal import audit, clock
from portal.access import ooh_log
from portal.actions import Action
from portal.extensions import db
from portal.models import OohGrant, Organisation, Participant, User
from portal.tenancy import OrgOwned, refuse, scoped_get

# Access levels, strongest first.
FULL = "full"  # the whole record: health information and case notes included
LIMITED = "limited"  # what a call needs: contact details, preferences, VRC, appointments
CHECK = "check"  # must pass the verbal-consent check first
NONE = "none"  # no participant access here: 404

# Roles that work with participants on an organisation's casework URLs.
CASEWORK_ROLES = frozenset({"vrc", "team_manager", "ooh"})

# Data protection training must have been completed within this period (rule 9).
TRAINING_VALID_FOR = relativedelta(months=12)

# What is still allowed on a restricted record (DESIGN.md rule 5).
ALLOWED_WHILE_RESTRICTED = frozenset(
    {
        Action.APPOINTMENT_CANCEL_AT_PARTICIPANT_REQUEST,
        Action.CONSENT_WITHDRAW,
        Action.OBJECTION_RECORD,
        Action.RIGHTS_WORKFLOW,
    }
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _ParticipantRow(OrgOwned, Protocol):
    """A row that belongs to one participant (a note, an appointment, an action) and so
    to the participant's organisation."""

    @property
    def participant_id(self) -> int: ...


_Row = TypeVar("_Row", bound=_ParticipantRow)


class AccessRefused(Forbidden):
    """A 403 on a participant URL whose page explains why: ``reason`` is one of
    ``training`` (rule 9), ``check`` (verbal consent needed), ``limited`` (the
    limited view only). Rendered by the casework blueprints' error handler."""

    def __init__(self, reason: str, participant: Participant | None = None, **context: object) -> None:
        super().__init__()
        self.reason = reason
        self.participant = participant
        self.context = context


class ParticipantRestricted(Exception):
    """The service refuses an action because the participant's record is restricted."""

    def __init__(self, participant: Participant, action: Action, what: str) -> None:
        self.participant = participant
        self.action = action
        self.message = (
            f"This participant’s record is restricted, so {what} cannot be done until the "
            "restriction is lifted. Only cancelling an appointment at the participant’s "
            "request, withdrawing a consent and recording an objection are still allowed. "
            "Ask the Data Protection Officer if this is urgent."
        )
        super().__init__(self.message)


# ----------------------------------------------------------------- verbal-consent grants


def verbal_consent_check_url(participant: Participant) -> str:
    """Where the verbal-consent check for ``participant`` is done (the 303 of "Who may
    see what" for the organisation's other VRCs and its out-of-hours staff)."""
    return url_for("ooh.check", org=org_of(participant).slug, participant_id=participant.id)


def live_grant(user_id: int, participant: Participant) -> OohGrant | None:
    now = clock.now()
    return db.session.scalars(
        select(OohGrant)
        .where(
            OohGrant.org_id == participant.org_id,
            OohGrant.participant_id == participant.id,
            OohGrant.worker_id == user_id,
            OohGrant.ended_at.is_(None),
            OohGrant.expires_at > now,
        )
        .order_by(OohGrant.expires_at.desc())
        .limit(1)
    ).first()


def has_live_grant(user: User | AnonymousUserMixin | None, participant: Participant) -> bool:
    """Whether ``user`` holds a live, time-boxed access grant to ``participant``,
    given by the participant's verbal consent (DESIGN.md rule 4)."""
    return user is not None and user.is_authenticated and live_grant(user.id, participant) is not None


def access_level(user: User | AnonymousUserMixin | None, participant: Participant) -> str:
    """The access ``user`` has to ``participant`` on its organisation's casework URLs."""
    if user is None or not user.is_authenticated:
        return NONE
    roles = user.roles_in(participant.org_id)
    if "team_manager" in roles:
        return FULL
    if "vrc" in roles and participant.assigned_vrc_id == user.id:
        return FULL
    if roles & {"vrc", "ooh"}:
        return LIMITED if has_live_grant(user, participant) else CHECK
    return NONE


def training_current(user: User | AnonymousUserMixin | None, today: date | None = None) -> bool:
    """Data protection training completed within the last 12 months (rule 9).
    No recorded training counts as out of date: the gate fails closed."""
    completed: date | None = getattr(user, "dp_training_completed_on", None)
    if completed is None:
        return False
    return completed + TRAINING_VALID_FOR >= (today or clock.today())


def require_current_training(user: User | None = None) -> None:
    """Refuse (403, audited, with a page saying why and whom to ask) staff whose
    data protection training is out of date: they cannot open participant records."""
    user = user or current_user
    if not training_current(user):
        audit.record_and_commit("access.refused.training", outcome="refused", object_type="user", object_id=user.id)
        raise AccessRefused("training", completed_on=user.dp_training_completed_on)


def reads_participant_data(view: Callable[_P, _R]) -> Callable[_P, _R]:
    """Mark a page on a fixed URL (the DPO's ``/dpo/...``) that opens participant
    records or discloses them: staff whose training is out of date are refused with
    the same page as on casework URLs (rule 9 covers every role that reads participant
    data, the DPO included). Put it under ``@requires`` so the permission answers
    first; ``reads_participant_data`` on the view lets the meta-tests find it."""

    @wraps(view)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        require_current_training()
        return view(*args, **kwargs)

    setattr(wrapped, "reads_participant_data", True)  # the marker the meta-tests look for
    return wrapped


def gate_casework_url() -> None:
    """Before every request to ``/<org>/participants/...``: no participant access in
    this organisation is a 404 (the record's existence must not leak); out-of-date
    training is a 403."""
    if not (current_user.roles_in(g.org.id) & CASEWORK_ROLES):
        refuse(404)
    require_current_training()


def gate_casework_lists() -> None:
    """Before every caseload or referral page: out-of-date training is a 403 for the
    roles that would see participants there (others meet their permission's 403)."""
    if current_user.roles_in(g.org.id) & CASEWORK_ROLES:
        require_current_training()


def get_participant(participant_id: int, need: str = FULL) -> Participant:
    """The participant ``participant_id`` of the request's organisation, if the
    signed-in user may see it at the level ``need`` (FULL or LIMITED).

    Another organisation's or a missing participant: 404. No participant access: 404.
    Another VRC's participant, or out-of-hours staff, without a live grant: 303 to the
    verbal-consent check (403 while it does not exist). A limited grant where the full
    record is needed: 403. The level reached is left in ``g.participant_access``.
    """
    participant: Participant = scoped_get(Participant, participant_id)
    level = access_level(current_user, participant)
    if level == NONE:
        refuse(404, object_type="participant", object_id=participant.id)
    require_current_training()
    if level == CHECK:
        url = verbal_consent_check_url(participant)
        audit.record_and_commit(
            "access.check_required",
            object_type="participant",
            object_id=participant.id,
            participant_id=participant.id,
            outcome="redirected" if url else "refused",
        )
        if url:
            raise _SeeOther(url)
        raise AccessRefused("check", participant)
    if level == LIMITED and need == FULL:
        audit.record_and_commit(
            "access.refused.403",
            object_type="participant",
            object_id=participant.id,
            participant_id=participant.id,
            outcome="refused",
            detail={"reason": "limited_view_only"},
        )
        raise AccessRefused("limited", participant)
    g.participant_access = level
    return participant


def current_level() -> str:
    level: str = g.get("participant_access", NONE)
    return level


class _SeeOther(HTTPException):
    code = 303

    def __init__(self, location: str):
        super().__init__()
        self.location = location

    def get_response(self, environ: object = None, scope: dict[str, Any] | None = None) -> Response:
        return redirect(self.location, 303)


def get_child(model: type[_Row], child_id: int, participant: Participant) -> _Row:
    """A row belonging to ``participant`` (a note, an appointment, an action), fetched
    scoped to the organisation; 404 when missing or another participant's."""
    row: _Row = scoped_get(model, child_id, org_of(participant))
    if row.participant_id != participant.id:
        refuse(404, object_type=model.__tablename__, object_id=row.id)
    return row


def org_of(participant: Participant) -> Organisation:
    """The participant's organisation (the request's, when it is the same)."""
    org: Organisation | None = g.get("org")
    if org is not None and org.id == participant.org_id:
        return org
    found = db.session.get(Organisation, participant.org_id)
    assert found is not None  # participant.org_id is a foreign key to the organisation
    return found


def may_see_full(user: User | AnonymousUserMixin | None, participant: Participant) -> bool:
    """Whether ``user`` may see ``participant``'s full record (for links between
    episodes of a re-referral: shown only to those who may see both)."""
    return access_level(user, participant) == FULL and training_current(user)


# ----------------------------------------------------------------- audit of views


def audit_view(participant: Participant, view: str, shows: tuple[str, ...] = ()) -> None:
    """Record that a page, download or response showed ``participant``'s data
    (rule 1); ``shows`` names special sections seen ("health", "case_notes")."""
    detail: dict[str, Any] = {"view": view, "level": current_level()}
    if shows:
        detail["shows"] = sorted(shows)
    audit.record(
        "participant.viewed",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        detail=detail,
    )
    if detail["level"] == LIMITED:
        # Views under a verbal-consent grant are on the out-of-hours log too.

        ooh_log.record_view(participant, view)
    db.session.commit()


def audit_review_view(participant: Participant, detail: dict[str, Any]) -> None:
    """Record that a DPO's review page (an override, a flagged disclosure, an
    authority's request) showed ``participant`` (rule 1); ``detail`` names the page
    and its item. These pages are outside casework: no access level applies."""
    audit.record(
        "participant.viewed",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        detail=detail,
    )
    db.session.commit()


def audit_list(view: str, participant_ids: list[int]) -> None:
    """One event for a list page, naming every participant it showed (rule 1),
    whatever the page size. Search terms are never recorded (rule 10)."""
    audit.record(
        "participants.listed",
        object_type="list",
        object_id=view,
        detail={"view": view, "participant_ids": list(participant_ids)},
    )
    db.session.commit()


# ----------------------------------------------------------------- restriction


def ensure_not_restricted(participant: Participant, action: Action, what: str = "this change") -> None:
    """Refuse ``action`` while ``participant``'s processing is restricted (rule 5):
    every change, letter, contact and individual export, except the few actions in
    ``ALLOWED_WHILE_RESTRICTED``. The handler that shows the refusal audits it
    through ``audit_restricted_refusal``."""
    if participant.restricted and action not in ALLOWED_WHILE_RESTRICTED:
        raise ParticipantRestricted(participant, action, what)


def audit_restricted_refusal(error: ParticipantRestricted, org_id: int | None = None) -> None:
    """Discard what the refused request had begun and audit the refusal with the
    action the restriction refused (rule 5). ``org_id`` defaults to the request's."""
    db.session.rollback()
    participant = error.participant
    audit.record_and_commit(
        "participant.refused.restricted",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        org_id=org_id,
        outcome="refused",
        detail={"action": error.action},
    )
