"""A participant with a record of every kind, for the access package and erasure
tests: personal details and their history, notes with versions, assessment and plan,
appointments, consents with history, disclosures, out-of-hours checks, callbacks and
notes, evidence on disk, and text naming them in notifications, the outbox, job
results, referral uploads and another participant's note."""

from dataclasses import dataclass
from datetime import date

from portal import clock, private_files
from portal.consent import disclosures
from portal.extensions import db
from portal.models import (
    Assessment,
    CaseNoteVersion,
    ConsentEvidence,
    Job,
    Notification,
    OohCallNote,
    OohEvent,
    OutboxMessage,
    Participant,
    ParticipantChange,
    ReferralUpload,
)
from portal.models.rights import RightsRequest


@dataclass
class Person:
    first: str
    last: str
    ni: str
    dob: date
    email: str
    phone: str

    @property
    def terms(self) -> list[str]:
        """What must not survive erasure."""
        ni_spaced = f"{self.ni[0:2]} {self.ni[2:4]} {self.ni[4:6]} {self.ni[6:8]} {self.ni[8:]}"
        return [
            self.first,
            self.last,
            self.ni,
            ni_spaced,
            self.dob.isoformat(),
            f"{self.dob:%d/%m/%Y}",
            self.email,
            self.phone,
        ]


ZED = Person("Zebulon", "Quarrington", "QQ123456C", date(1981, 7, 14), "zeb.q@example.org", "07700 900987")
OTHER = Person("Philippa", "Trevithick", "JN654321B", date(1979, 2, 3), "pippa.t@example.net", "07700 900111")


def rich_participant(make, org, vrc, person: Person, ooh_worker=None) -> Participant:
    p = make.participant(
        org,
        vrc,
        first_name=person.first,
        last_name=person.last,
        ni_number=person.ni,
        date_of_birth=person.dob,
        email=person.email,
        phone=person.phone,
        health_information=f"{person.first} has anxiety at work",
        atw_reference=f"ATW-{person.ni}",
    )
    now = clock.now()
    db.session.add(
        ParticipantChange(
            org_id=org.id,
            participant_id=p.id,
            field="phone",
            old_value="07700 900000",
            new_value=person.phone,
            reason=f"{person.first} moved house",
            changed_by_id=vrc.id,
            changed_at=now,
        )
    )
    note = make.note(p, vrc, text=f"Called {person.first} {person.last} about the workplace stress plan")
    db.session.add(
        CaseNoteVersion(
            org_id=org.id,
            note_id=note.id,
            number=2,
            reason="typo",
            text=f"Called {person.first} about the workplace stress plan (corrected)",
            author_id=vrc.id,
            created_at=now,
        )
    )
    db.session.add(
        Assessment(
            org_id=org.id,
            participant_id=p.id,
            assessed_on=clock.today(),
            support_level="medium",
            work_obstacles=f"{person.first} finds open-plan offices hard",
            goals="Return to full hours",
            assessed_by_id=vrc.id,
            created_at=now,
            updated_at=now,
        )
    )
    db.session.commit()
    make.action(p, description=f"Ask the manager of {person.first} about quiet space")
    make.appointment(p)
    consent = make.consent(p, "gp_contact", recorded_by=vrc, words=f"I am {person.first}, yes")
    make.withdrawal(consent, recorded_by=vrc)
    make.consent(p, "employer_contact", recorded_by=vrc)
    stored = private_files.store("consent_evidence", f"signed by {person.first} {person.last}".encode(), "image/png")
    db.session.add(
        ConsentEvidence(
            org_id=org.id,
            participant_id=p.id,
            consent_id=consent.id,
            storage_key=stored.key,
            content_type="image/png",
            size_bytes=stored.size,
            sha256=stored.sha256,
            original_filename=f"{person.last}-consent.png",
            uploaded_at=now,
        )
    )
    disclosures.record_disclosure(
        p,
        "authority",
        "HMRC",
        "Tax enquiry",
        ["Name and contact details"],
        summary=f"Told HMRC the address of {person.first} {person.last}",
        legal_basis="crime_and_taxation",
        user_id=vrc.id,
    )
    if ooh_worker is not None:
        check = make.ooh_check(p, ooh_worker)
        make.ooh_callback(p, ooh_worker, reason=f"{person.first} wants a call back")
        db.session.add(
            OohCallNote(
                org_id=org.id,
                participant_id=p.id,
                worker_id=ooh_worker.id,
                text=f"Spoke to {person.first} out of hours",
                created_at=now,
            )
        )
        db.session.add(
            OohEvent(
                at=now,
                worker_id=ooh_worker.id,
                kind="check",
                org_id=org.id,
                participant_id=p.id,
                outcome="agreed",
                detail={"check_id": check.id, "said": person.last},
            )
        )
    db.session.add(
        Notification(user_id=vrc.id, kind="callback", text=f"Call back {person.first} {person.last}", created_at=now)
    )
    db.session.add(
        OutboxMessage(
            user_id=vrc.id,
            email_address=vrc.email,
            kind="callback",
            subject=f"Callback for {person.last}",
            body=f"Ring {person.phone} ({person.email})",
            created_at=now,
        )
    )
    db.session.add(
        Job(
            kind="referral.upload",
            function="x.y",
            args=[],
            status="done",
            progress=100,
            result={"message": f"Imported {person.first} {person.last} born {person.dob:%d/%m/%Y}"},
            created_at=now,
        )
    )
    db.session.add(
        ReferralUpload(
            org_id=org.id,
            filename="referrals.csv",
            sha256="0" * 64,
            content=f"atw,first,last,ni,dob\nATW-1,{person.first},{person.last},{person.ni},{person.dob.isoformat()}\n",
            status="done",
            results=[{"row": 1, "name": f"{person.first} {person.last}"}],
            created_at=now,
        )
    )
    db.session.add(
        RightsRequest(
            org_id=org.id,
            participant_id=p.id,
            requester_name=f"{person.first} {person.last}",
            requester_contact=person.email,
            what_requested="A copy of my records",
            received_on=date(2026, 1, 5),
            channel="email",
            logged_at=now,
            status="closed",
        )
    )
    db.session.commit()
    return p


def rich_world(make, right: str, what_requested: str) -> dict:
    """Two rich participants of h2e (``zed`` and ``other``), their VRC, a DPO, and a
    rights request from Zed (``request``) asking for ``right``."""
    from portal.models.rights import RightsRequestRight

    org = make.org("h2e")
    vrc = make.user(org, roles=("vrc",))
    dpo = make.user(make.org("ingeus", kind="lead"), roles=("dpo",))
    ooh = make.user(org, roles=("ooh",))
    zed = rich_participant(make, org, vrc, ZED, ooh_worker=ooh)
    other = rich_participant(make, org, vrc, OTHER, ooh_worker=ooh)
    request = RightsRequest(
        org_id=org.id,
        participant_id=zed.id,
        requester_name=f"{ZED.first} {ZED.last}",
        requester_contact=ZED.email,
        what_requested=what_requested,
        received_on=clock.today(),
        channel="email",
        logged_at=clock.now(),
        status="open",
        identity_status="proved",
        identity_received_on=clock.today(),
        identity_method="Passport copy by post",
        rights=[RightsRequestRight(right=right)],
    )
    db.session.add(request)
    db.session.commit()
    return {"org": org, "vrc": vrc, "dpo": dpo, "zed": zed, "other": other, "request": request}
