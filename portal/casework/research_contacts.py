"""The research and focus-group contact list of an organisation.

The notice promises identifiable research and focus groups only with the participant's
permission. A team manager's list of their own organisation's participants who may be
contacted for them holds exactly those who, now:

- have a live ``research_contact`` consent (the consents service's rule, over the whole
  history: ``consents.live_consents``);
- have no standing objection to research (UK GDPR Art. 21; also part of that rule);
- are not restricted (rule 5: no sharing while restricted).

Opening the list is one audited read naming every participant shown (rule 1: one
insert whatever its length). Its CSV export hands the list on to the research team, so
it records a disclosure per participant relying on their research consent (rule 2), and
it is written by the portal's one formula-safe CSV writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists

from portal import audit, clock, spreadsheets
from portal.access import participant_access
from portal.consent import consents, disclosures
from portal.extensions import db
from portal.models import Consent, Organisation, Participant
from portal.models.participant import CONTACT_CHANNELS
from portal.tenancy import scoped_select

PURPOSE = "research_contact"
VIEW = "research_contacts"
CATEGORIES = ["Name", "Contact details and preferences"]
HEADER = [
    "AtW reference",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Preferred contact",
    "Safe to call at work",
    "Times to avoid",
    "Assigned VRC",
    "Research consent given on",
    "Research consent receipt",
]


@dataclass(frozen=True)
class Contact:
    """One line of the list, as plain values (a page renders it after the audit commit
    without reloading anything)."""

    participant_id: int
    atw_reference: str
    first_name: str
    last_name: str
    email: str
    phone: str
    preferred_contact: str
    safe_to_call_at_work: bool
    times_to_avoid: str
    vrc_name: str
    consent_id: int  # the live research consent the contact relies on
    consent_given_on: date
    receipt_id: str

    @classmethod
    def of(cls, p: Participant, consent: Consent) -> Contact:
        return cls(
            p.id,
            p.atw_reference,
            p.first_name,
            p.last_name,
            p.email or "",
            p.phone or "",
            CONTACT_CHANNELS.get(p.preferred_channel, p.preferred_channel),
            bool(p.safe_to_call_at_work),
            p.times_to_avoid or "",
            p.assigned_vrc.name if p.assigned_vrc else "",
            consent.id,
            clock.local(consent.decided_at).date(),
            consent.receipt_id,
        )

    def row(self) -> list[str | date]:
        return [
            self.atw_reference,
            self.first_name,
            self.last_name,
            self.email,
            self.phone,
            self.preferred_contact,
            "Yes" if self.safe_to_call_at_work else "No",
            self.times_to_avoid,
            self.vrc_name,
            self.consent_given_on,
            self.receipt_id,
        ]


def _live(org: Organisation) -> list[tuple[Participant, Consent]]:
    given = exists().where(
        Consent.participant_id == Participant.id,
        Consent.org_id == Participant.org_id,
        Consent.decision == "given",
        Consent.purpose.has(code=PURPOSE),
    )
    candidates = (
        db.session.scalars(
            scoped_select(Participant, org)
            .where(Participant.restricted.is_(False), given)
            .order_by(Participant.last_name, Participant.first_name, Participant.id)
        )
        .unique()
        .all()
    )
    live = consents.live_consents(candidates, PURPOSE)
    return [(p, live[p.id]) for p in candidates if p.id in live]


def contacts(org: Organisation) -> list[Contact]:
    """Who the research team may contact, now, by name: see the module's rules."""
    return [Contact.of(p, consent) for p, consent in _live(org)]


def open_list(org: Organisation) -> list[Contact]:
    """The list for its page, with the one audit event naming every participant shown."""
    found = contacts(org)
    participant_access.audit_list(f"caseload.{VIEW}", [c.participant_id for c in found])
    return found


def export_csv(org: Organisation, user_id: int) -> tuple[str, int]:
    """The list as CSV for the research team, and how many it names. Each participant
    named is a disclosure relying on their live research consent, recorded with the
    export in one transaction."""
    found = _live(org)
    content = spreadsheets.csv_text((Contact.of(p, consent).row() for p, consent in found), header=HEADER)
    purpose = consents.purpose_by_code(PURPOSE)
    recipient = purpose.recipients if purpose is not None and purpose.recipients else "Research team"
    now = clock.now()
    for participant, consent in found:
        disclosures.record_disclosure(
            participant,
            "other",
            recipient,
            "Identifiable research and focus-group contact",
            CATEGORIES,
            summary="Named on the research and focus-group contact list (CSV export)",
            consent=consent,
            method="CSV download by a team manager",
            disclosed_at=now,
            user_id=user_id,
            source=VIEW,
        )
    audit.record(
        "research_contacts.exported",
        object_type="list",
        object_id=VIEW,
        org_id=org.id,
        user_id=user_id,
        detail={"participant_ids": [p.id for p, _consent in found]},
    )
    db.session.commit()
    return content, len(found)
