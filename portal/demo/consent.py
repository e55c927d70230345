"""Demo consent data: the AtW MHSS privacy notice as published version 1, the
consent purposes, and decisions of some demo participants (given, refused,
withdrawn), so the consent pages show every state. Idempotent.

The notice text is the AtW MHSS privacy notice (``notice_v1.txt``, from the
design's seeds with the web page's navigation artefacts removed).
"""

import os
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from portal import clock
from portal.consent import consents
from portal.extensions import db
from portal.models import Consent, ConsentPurpose, ConsentWithdrawal, Organisation, Participant, PrivacyNotice, User

NOTICE_VERSION = "1"
NOTICE_PUBLISHED_ON = date(2025, 1, 6)
NOTICE_FILE = os.path.join(os.path.dirname(__file__), "notice_v1.txt")


def notice_text() -> str:
    with open(NOTICE_FILE, encoding="utf-8") as source:
        return source.read()


def ensure_notice_v1(published_by_id: int | None = None) -> PrivacyNotice:
    """Version 1 of the AtW MHSS notice, published (idempotent)."""
    notice = db.session.scalars(select(PrivacyNotice).where(PrivacyNotice.version == NOTICE_VERSION)).first()
    if notice is None:
        now = clock.now()
        notice = PrivacyNotice(
            version=NOTICE_VERSION,
            published_on=NOTICE_PUBLISHED_ON,
            text=notice_text(),
            change_note="",
            reconsent_required=False,
            status="published",
            created_by_id=published_by_id,
            created_at=now,
            updated_at=now,
            published_by_id=published_by_id,
            published_at=now,
        )
        db.session.add(notice)
        db.session.commit()
    return notice


def seed_consent(orgs: dict[str, Organisation]) -> None:
    consents.ensure_default_purposes()
    dpo = db.session.scalars(select(User).where(User.email == "dpo@ingeus.example")).first()
    notice = ensure_notice_v1(dpo.id if dpo else None)
    purposes = {p.code: p for p in consents.active_purposes()}
    for org in orgs.values():
        if not org.delivers:
            continue
        active = db.session.scalars(
            select(Participant)
            .where(Participant.org_id == org.id, Participant.status == "active", Participant.restricted.is_(False))
            .order_by(Participant.atw_reference)
        ).all()
        for i, participant in enumerate(active[:9]):
            if db.session.scalars(select(Consent.id).where(Consent.participant_id == participant.id)).first():
                continue
            _decisions(participant, i, purposes, notice)
    db.session.commit()


def _decisions(participant: Participant, i: int, purposes: dict[str, ConsentPurpose], notice: PrivacyNotice) -> None:
    vrc = db.session.get(User, participant.assigned_vrc_id) if participant.assigned_vrc_id else None
    when = max(participant.referred_at, clock.now() - timedelta(days=40)) + timedelta(days=2)

    def decide(code: str, decision: str, words: str, days: int = 0) -> Consent:
        consent = Consent(
            org_id=participant.org_id,
            participant_id=participant.id,
            purpose_id=purposes[code].id,
            decision=decision,
            method="verbal",
            participant_words=words,
            notice_id=notice.id,
            decided_at=when + timedelta(days=days),
            recorded_by_id=vrc.id if vrc else None,
            recorded_by_position=vrc.position if vrc else "",
            recorded_at=when + timedelta(days=days, minutes=5),
            receipt_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-consent:{participant.atw_reference}:{code}")),
        )
        db.session.add(consent)
        db.session.flush()
        return consent

    if i % 3 == 0:
        decide("gp_contact", "given", "Yes, you can write to my GP about how work is going.")
        decide("employer_contact", "given", "Fine to speak to my manager about adjustments.")
    elif i % 3 == 1:
        decide("gp_contact", "refused", "I would rather you did not contact my GP.")
        given = decide("employer_contact", "given", "You can call my line manager.")
        db.session.add(
            ConsentWithdrawal(
                org_id=participant.org_id,
                participant_id=participant.id,
                consent_id=given.id,
                withdrawn_at=when + timedelta(days=10),
                method="phone",
                participant_words="Please don't contact work any more, things have improved.",
                recorded_by_id=vrc.id if vrc else None,
                recorded_by_position=vrc.position if vrc else "",
                recorded_at=when + timedelta(days=10, minutes=3),
            )
        )
    else:
        decide("research_contact", "given", "Happy to join a focus group.")
