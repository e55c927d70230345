"""Test factories: make_org, make_user, sign_in; later areas add their own."""

import itertools

from argon2 import PasswordHasher, profiles

from portal import clock
from portal.accounts import passwords, totp
from portal.extensions import db
from portal.models import Membership, Organisation, User

PASSWORD = "a-long-test-password-9431"
_counter = itertools.count(1)
_password_hash = None


def _hash() -> str:
    """PASSWORD's hash, with argon2's cheapest parameters: the hash carries them, so the
    sign-ins of the whole suite verify in a millisecond instead of 125 (the portal's own
    hashes, of passwords set through its pages, keep the library's parameters)."""
    global _password_hash
    if _password_hash is None:
        _password_hash = PasswordHasher.from_parameters(profiles.CHEAPEST).hash(PASSWORD)
        assert passwords.verify_password(_password_hash, PASSWORD)
    return _password_hash


class Factory:
    def org(self, slug: str | None = None, kind: str = "delivery", name: str | None = None) -> Organisation:
        from sqlalchemy import select

        slug = slug or f"org{next(_counter)}"
        existing = db.session.scalars(select(Organisation).where(Organisation.slug == slug)).first()
        if existing:
            return existing
        org = Organisation(slug=slug, name=name or slug.title(), kind=kind)
        db.session.add(org)
        db.session.commit()
        return org

    def user(
        self,
        org: Organisation | None = None,
        roles=("vrc",),
        email: str | None = None,
        name: str | None = None,
        **fields,
    ) -> User:
        n = next(_counter)
        user = User(
            email=email or f"user{n}@example.test",
            name=name or f"Staff Member {n}",
            position=fields.pop("position", "Staff"),
            password_hash=_hash(),
            totp_secret=totp.new_secret(),
            active=True,
            created_at=clock.now(),
            password_changed_at=clock.now(),
            dp_training_completed_on=clock.today(),
            **fields,
        )
        db.session.add(user)
        db.session.flush()
        if org is not None:
            for role in roles:
                db.session.add(Membership(user_id=user.id, org_id=org.id, role=role))
        db.session.commit()
        return user

    # Casework (issue 5): rows made directly, so tests can set any state.
    def participant(self, org: Organisation, vrc: User | None = None, **fields):
        from datetime import date, timedelta

        from portal.models import Participant, StatusChange

        n = next(_counter)
        now = clock.now()
        values = dict(
            org_id=org.id,
            atw_reference=f"ATW-T{n:06d}",
            first_name="Test",
            last_name=f"Participant{n}",
            date_of_birth=date(1985, 3, 27),
            ni_number=f"JT{n % 10**6:06d}A",
            email=f"participant{n}@example.com",
            phone="07700900123",
            address_line_1="1 Test Street",
            town="Leeds",
            postcode="LS1 4AP",
            occupation="Analyst",
            employer="Test Employer Ltd",
            health_information="",
            status="active" if vrc else "referred",
            status_changed_on=clock.today(),
            referred_at=now - timedelta(days=20),
            allocated_at=now - timedelta(days=18) if vrc else None,
            assigned_vrc_id=vrc.id if vrc else None,
            created_at=now,
            updated_at=now,
        )
        values.update(fields)
        participant = Participant(**values)
        db.session.add(participant)
        db.session.flush()
        db.session.add(
            StatusChange(
                org_id=org.id,
                participant_id=participant.id,
                status=participant.status,
                changed_on=participant.status_changed_on,
                reason="Referral received",
                changed_at=now,
            )
        )
        db.session.commit()
        return participant

    def note(self, participant, author: User | None = None, text: str = "A case note.", note_type: str = "phone"):
        from portal.models import CaseNote, CaseNoteVersion

        now = clock.now()
        note = CaseNote(
            org_id=participant.org_id,
            participant_id=participant.id,
            contact_date=clock.today(),
            note_type=note_type,
            author_id=author.id if author else None,
            created_at=now,
        )
        db.session.add(note)
        db.session.flush()
        db.session.add(
            CaseNoteVersion(
                org_id=participant.org_id,
                note_id=note.id,
                number=1,
                text=text,
                author_id=author.id if author else None,
                created_at=now,
            )
        )
        db.session.commit()
        return note

    def appointment(self, participant, starts_at=None, status: str = "scheduled", channel: str = "phone"):
        from datetime import timedelta

        from portal.models import Appointment

        now = clock.now()
        appointment = Appointment(
            org_id=participant.org_id,
            participant_id=participant.id,
            starts_at=starts_at or now + timedelta(days=3),
            duration_minutes=60,
            channel=channel,
            location="",
            status=status,
            created_at=now,
            updated_at=now,
        )
        db.session.add(appointment)
        db.session.commit()
        return appointment

    def action(self, participant, due_on=None, description: str = "Talk to line manager about hours"):
        from datetime import timedelta

        from portal.models import SupportPlanAction

        action = SupportPlanAction(
            org_id=participant.org_id,
            participant_id=participant.id,
            description=description,
            owner="Participant",
            due_on=due_on or clock.today() + timedelta(days=7),
            created_at=clock.now(),
        )
        db.session.add(action)
        db.session.commit()
        return action

    # Out-of-hours service (issue 7): a check (agreed by default) and the grant it gave.
    def ooh_check(
        self,
        participant,
        worker: User,
        consent: str | None = "agreed",
        identity_confirmed: bool = True,
        caller: str = "participant",
        started_at=None,
    ):
        from portal.models import OohCheck

        started_at = started_at or clock.now()
        check = OohCheck(
            org_id=participant.org_id,
            participant_id=participant.id,
            worker_id=worker.id,
            started_at=started_at,
            caller=caller,
            name_matched=identity_confirmed,
            date_of_birth_matched=identity_confirmed,
            postcode_matched=identity_confirmed,
            identity_confirmed=identity_confirmed,
            consent=consent,
            consent_note="Wants to move an appointment" if consent else "",
            answered_at=started_at if consent else None,
        )
        db.session.add(check)
        db.session.commit()
        return check

    def ooh_grant(self, participant, worker: User, hours: float = 8, check=None):
        from datetime import timedelta

        from portal.models import OohGrant

        check = check or self.ooh_check(participant, worker)
        grant = OohGrant(
            org_id=participant.org_id,
            participant_id=participant.id,
            worker_id=worker.id,
            check_id=check.id,
            granted_at=clock.now(),
            expires_at=clock.now() + timedelta(hours=hours),
        )
        db.session.add(grant)
        db.session.commit()
        return grant

    def ooh_callback(self, participant, worker: User, reason: str = "Wants to change Tuesday's appointment"):
        from portal.models import OohCallback

        callback = OohCallback(
            org_id=participant.org_id,
            participant_id=participant.id,
            worker_id=worker.id,
            vrc_id=participant.assigned_vrc_id,
            reason=reason,
            best_time="Weekdays after 5pm",
            phone="07700900456",
            created_at=clock.now(),
        )
        db.session.add(callback)
        db.session.commit()
        return callback

    # Consent and disclosures (issue 6): rows made directly, so tests can set any state.
    def consent_purposes(self):
        from portal.consent.consents import ensure_default_purposes

        return {p.code: p for p in ensure_default_purposes()}

    def privacy_notice(
        self,
        version: str = "1",
        published_on=None,
        text: str | None = None,
        status: str = "published",
        reconsent_required: bool = False,
        change_note: str = "",
    ):
        """A notice version; version 1 carries the AtW MHSS notice text of the demo."""
        from datetime import date

        from portal.demo.consent import notice_text
        from portal.models import PrivacyNotice

        now = clock.now()
        notice = PrivacyNotice(
            version=version,
            published_on=published_on or date(2025, 1, 6),
            text=text if text is not None else (notice_text() if version == "1" else f"Notice version {version}"),
            change_note=change_note,
            reconsent_required=reconsent_required,
            status=status,
            created_at=now,
            updated_at=now,
            published_at=now if status == "published" else None,
        )
        db.session.add(notice)
        db.session.commit()
        return notice

    def consent(
        self,
        participant,
        purpose_code: str = "gp_contact",
        decision: str = "given",
        method: str = "verbal",
        recorded_by: User | None = None,
        notice=None,
        decided_at=None,
        words: str = "Yes, that is fine.",
    ):
        import uuid

        from sqlalchemy import select

        from portal.models import Consent, ConsentPurpose, PrivacyNotice

        purpose = db.session.scalars(select(ConsentPurpose).where(ConsentPurpose.code == purpose_code)).first()
        if purpose is None:
            purpose = self.consent_purposes()[purpose_code]
        if notice is None:
            notice = (
                db.session.scalars(
                    select(PrivacyNotice)
                    .where(PrivacyNotice.status == "published")
                    .order_by(PrivacyNotice.published_on.desc())
                ).first()
                or self.privacy_notice()
            )
        now = clock.now()
        consent = Consent(
            org_id=participant.org_id,
            participant_id=participant.id,
            purpose_id=purpose.id,
            decision=decision,
            method=method,
            participant_words=words,
            notice_id=notice.id,
            decided_at=decided_at or now,
            recorded_by_id=recorded_by.id if recorded_by else None,
            recorded_by_position=recorded_by.position if recorded_by else "",
            recorded_at=now,
            receipt_id=str(uuid.uuid4()),
        )
        db.session.add(consent)
        db.session.commit()
        return consent

    def withdrawal(self, consent, withdrawn_at=None, method: str = "phone", recorded_by: User | None = None):
        from portal.models import ConsentWithdrawal

        withdrawal = ConsentWithdrawal(
            org_id=consent.org_id,
            participant_id=consent.participant_id,
            consent_id=consent.id,
            withdrawn_at=withdrawn_at or clock.now(),
            method=method,
            participant_words="",
            recorded_by_id=recorded_by.id if recorded_by else None,
            recorded_at=clock.now(),
        )
        db.session.add(withdrawal)
        db.session.commit()
        db.session.refresh(consent)
        return withdrawal


def next_code(user: User) -> str:
    """A valid code the user has not used yet (moving the clock on a step if needed)."""
    from datetime import timedelta

    import pyotp

    secret = db.session.get(User, user.id).totp_secret
    step = pyotp.TOTP(secret).timecode(clock.now())
    last = db.session.get(User, user.id).totp_last_step
    if last is not None and step <= last:
        clock.advance(timedelta(seconds=30 * (last - step + 1)))
    return totp.current_code(secret)


def sign_in(client, user: User, password: str = PASSWORD, follow: bool = False):
    """The full two-step sign-in through the pages; returns the last response."""
    from tests.support.web import csrf_from

    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_from(page), "email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = client.get("/login/code")
    return client.post(
        "/login/code", data={"csrf_token": csrf_from(page), "code": next_code(user)}, follow_redirects=follow
    )
