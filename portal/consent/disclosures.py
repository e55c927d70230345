"""The disclosures register: every sharing of a participant's data outside the service.

DESIGN.md rule 2: "each action that shares data writes a disclosure naming the
consent or legal basis it relied on". Every sharing action of the portal calls
``record_disclosure`` inside its own transaction (GP letters, employer contact,
emergency contacts, answers to authorities, and publication to DWP), so the
participant's page, and an access request, list all of them.

Rules enforced here, whoever calls:

- a disclosure relies on a consent or on a legal basis from ``LEGAL_BASES``;
- a consent relied on must be the participant's and live at the moment of the
  disclosure (``ConsentRequired`` otherwise);
- nothing is shared while the participant's processing is restricted (rule 5),
  except in an emergency under vital interests (UK GDPR Art. 18(2): to protect
  a person), which the DPO then reviews.
"""

from collections.abc import Iterable
from datetime import datetime

from flask import Response
from sqlalchemy import select

from portal import audit, clock, private_files
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import consents
from portal.extensions import db
from portal.models import Consent, Disclosure, Participant
from portal.models.disclosure import LEGAL_BASES, RECIPIENT_TYPES


class DisclosureNotAllowed(ValueError):
    """A programming error by the caller: a disclosure without a basis, an unknown
    basis or recipient type, a consent that is not the participant's."""


# Sharing that is itself a rights workflow (rule 5: allowed while restricted).
RIGHTS_WORKFLOW_SOURCES = frozenset({"access_package"})


def _check(
    participant: Participant,
    recipient_type: str,
    recipient_name: str,
    purpose: str,
    data_categories: Iterable[str],
    consent: Consent | None,
    legal_basis: str | None,
    disclosed_at: datetime,
    source: str = "other",
) -> list[str]:
    if recipient_type not in RECIPIENT_TYPES:
        raise DisclosureNotAllowed(f"unknown recipient type {recipient_type!r}")
    if not (recipient_name or "").strip() or not (purpose or "").strip():
        raise DisclosureNotAllowed("a disclosure names its recipient and its purpose")
    categories = [str(c).strip() for c in (data_categories or []) if str(c).strip()]
    if not categories:
        raise DisclosureNotAllowed("a disclosure names the categories of data shared")
    if consent is None and legal_basis is None:
        raise DisclosureNotAllowed("a disclosure relies on a consent or a legal basis")
    if legal_basis is not None and legal_basis not in LEGAL_BASES:
        raise DisclosureNotAllowed(f"unknown legal basis {legal_basis!r}")
    if consent is not None:
        if consent.participant_id != participant.id or consent.org_id != participant.org_id:
            raise DisclosureNotAllowed("the consent relied on is not this participant's")
        if not consents.consent_live_at(consent, disclosed_at):
            consents.require_live_consent(participant, consent.purpose.code, disclosed_at)
            # A live consent exists, but not the one passed: rely on the live one.
            raise DisclosureNotAllowed("the consent relied on is not the participant's live consent")
    if legal_basis != "vital_interests":
        action = Action.RIGHTS_WORKFLOW if source in RIGHTS_WORKFLOW_SOURCES else Action.DISCLOSURE_RECORD
        ensure_not_restricted(participant, action, "sharing their data")
    return categories


def record_disclosure(
    participant: Participant,
    recipient_type: str,
    recipient_name: str,
    purpose: str,
    data_categories: Iterable[str],
    *,
    summary: str,
    consent: Consent | None = None,
    legal_basis: str | None = None,
    legal_basis_detail: str = "",
    copy_path: str | None = None,
    copy_content_type: str = "",
    method: str = "",
    disclosed_at: datetime | None = None,
    user_id: int | None = None,
    source: str = "other",
    source_id: int | None = None,
) -> Disclosure:
    """Add one disclosure to ``participant``'s register, in the caller's transaction
    (the caller commits). ``copy_path`` is a ``private_files`` key of a copy of what
    was sent; ``disclosed_at`` defaults to now. Raises ``ConsentRequired`` when the
    consent is not live then, ``ParticipantRestricted`` while restricted (except
    under vital interests)."""
    disclosed_at = disclosed_at or clock.now()
    categories = _check(
        participant,
        recipient_type,
        recipient_name,
        purpose,
        data_categories,
        consent,
        legal_basis,
        disclosed_at,
        source,
    )
    disclosure = Disclosure(
        org_id=participant.org_id,
        participant_id=participant.id,
        recipient_type=recipient_type,
        recipient_name=recipient_name.strip()[:300],
        purpose=purpose.strip()[:300],
        data_categories=categories,
        consent_id=consent.id if consent is not None else None,
        legal_basis=legal_basis,
        legal_basis_detail=(legal_basis_detail or "")[:500],
        summary=summary or "",
        method=method or "",
        copy_key=copy_path,
        copy_content_type=copy_content_type or "",
        disclosed_at=disclosed_at,
        disclosed_by_id=user_id,
        recorded_at=clock.now(),
        source=source,
        source_id=source_id,
    )
    db.session.add(disclosure)
    db.session.flush()
    audit.record(
        "disclosure.recorded",
        object_type="disclosure",
        object_id=disclosure.id,
        participant_id=participant.id,
        user_id=user_id,
        org_id=participant.org_id,
        detail={
            "recipient_type": recipient_type,
            "source": source,
            "source_id": source_id,
            "consent_id": disclosure.consent_id,
            "legal_basis": legal_basis,
        },
    )
    return disclosure


def record_disclosures(
    participants: Iterable[Participant],
    recipient_type: str,
    recipient_name: str,
    purpose: str,
    data_categories: Iterable[str],
    *,
    summary: str,
    legal_basis: str,
    legal_basis_detail: str = "",
    copy_path: str | None = None,
    copy_content_type: str = "",
    method: str = "",
    disclosed_at: datetime | None = None,
    user_id: int | None = None,
    source: str = "other",
    source_id: int | None = None,
) -> list[Disclosure]:
    """One disclosure per participant for a routine sharing under a legal basis (a
    publication to DWP, say), in the caller's transaction, with one audit event
    listing every participant. Restricted participants are refused: leave them out."""
    disclosed_at = disclosed_at or clock.now()
    rows = []
    for participant in participants:
        categories = _check(
            participant, recipient_type, recipient_name, purpose, data_categories, None, legal_basis, disclosed_at
        )
        rows.append(
            Disclosure(
                org_id=participant.org_id,
                participant_id=participant.id,
                recipient_type=recipient_type,
                recipient_name=recipient_name.strip()[:300],
                purpose=purpose.strip()[:300],
                data_categories=categories,
                legal_basis=legal_basis,
                legal_basis_detail=(legal_basis_detail or "")[:500],
                summary=summary or "",
                method=method or "",
                copy_key=copy_path,
                copy_content_type=copy_content_type or "",
                disclosed_at=disclosed_at,
                disclosed_by_id=user_id,
                recorded_at=clock.now(),
                source=source,
                source_id=source_id,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    audit.record(
        "disclosures.recorded",
        object_type="disclosure_batch",
        object_id=f"{source}:{source_id}",
        user_id=user_id,
        detail={
            "recipient_type": recipient_type,
            "source": source,
            "legal_basis": legal_basis,
            "participant_ids": [r.participant_id for r in rows],
            "disclosure_ids": [r.id for r in rows],
        },
    )
    return rows


def disclosures_of(participant: Participant) -> list[Disclosure]:
    """The participant's register, newest first."""
    return list(
        db.session.scalars(
            select(Disclosure)
            .where(Disclosure.org_id == participant.org_id, Disclosure.participant_id == participant.id)
            .order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
        )
    )


def copy_download(disclosure: Disclosure) -> Response:
    """The stored copy of what was sent, as a download, its viewing audited (the route
    has checked access)."""
    audit.record(
        "disclosure.copy_viewed",
        object_type="disclosure",
        object_id=disclosure.id,
        participant_id=disclosure.participant_id,
    )
    db.session.commit()
    suffix = private_files.SUFFIXES.get(disclosure.copy_content_type, "")
    assert disclosure.copy_key is not None  # the route answers 404 for a disclosure without a copy
    return private_files.response(
        disclosure.copy_key, disclosure.copy_content_type, f"disclosure-{disclosure.id}{suffix}"
    )
