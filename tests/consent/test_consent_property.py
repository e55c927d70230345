"""The consent history, proved with stateful property tests (issue 15, item 1).

Hypothesis drives random sequences of give / refuse / withdraw / back-dated decisions
(with or without a reason) / privacy-notice changes / research objections / time
passing, and after every step compares what the portal says with the small reference
model below, which states the rule declaratively:

    at a moment t, take the events (decisions and withdrawals) that took effect by t,
    in the order they took effect (ties: the order they were recorded). The purpose is
    in force when the last decision is "given" and no withdrawal comes after it; the
    decisions in force are the "given" ones after the last refusal or withdrawal; it
    is live when one of them was given under a notice version that no later
    "ask everyone again" version in force at t supersedes (and, for research contact,
    the participant has not objected).

Two machines share the rules and the model:

- ``ConsentRule`` (500 examples): the one function every reader goes through,
  ``consents.resolve`` with ``consents.renewal_rule``, over the history held in
  memory; after each step the state and live decision of every purpose agree with the
  model, now and at every moment an event took effect, whatever order the history
  is given in.
- ``ConsentPortal`` (fewer examples: each step is a few database writes and a page):
  the same rules through the real services (``record_consent`` with its back-dating
  and refusal checks, ``withdraw_consent``, notice versions, objections), and after
  each step the live state, the GP-letter gate, the employer-contact gate, the
  participant's consent page (through the test client) and the disclosures register
  agree with the model. Each example runs inside one database transaction on one
  connection, rolled back at its end (the services' commits become savepoints), so
  examples never see each other's rows.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import update

from portal import clock
from portal.casework import employer_contacts, gp_letters
from portal.consent import consent_rule, consents, disclosures, privacy_notices, recording
from portal.consent.consents import ConsentRequired
from portal.extensions import db
from portal.models import Consent, ConsentWithdrawal, Objection, Participant, PrivacyNotice, StaffSession
from portal.validation import Problems
from tests.conftest import POSTGRES
from tests.support import database

PURPOSES = ("gp_contact", "employer_contact", "research_contact")
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
# Each step of the portal machine is a few database writes and a page (~45 ms on SQLite).
# The SQLite pass runs the 500 examples of shorter histories (6 steps: the reported case
# takes 3); the PostgreSQL pass, slower per query, runs fewer and longer ones. The rule
# machine runs 500 examples of 12 steps in both.
PORTAL_EXAMPLES, PORTAL_STEPS = (25, 10) if POSTGRES else (500, 6)
LABELS = {
    "not_asked": "Not asked",
    "given": "Given",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "renew": "Ask again: the privacy notice changed",
    "objected": "Not live: the participant objected to research contact",
}


# ----------------------------------------------------------------- the reference model


@dataclass
class Decision:
    purpose: str
    given: bool
    at: datetime
    seq: int
    version: int  # index of the notice version it was recorded under
    backdated: bool
    id: int = 0


@dataclass
class Withdrawal:
    purpose: str
    at: datetime
    seq: int


@dataclass
class Model:
    decisions: list = field(default_factory=list)
    withdrawals: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # (published_on, reconsent_required)
    objected: bool = False
    register: list = field(default_factory=list)  # consent ids relied on, oldest first
    seq: int = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def timeline(self, purpose, t):
        events = [(d.at, d.seq, d) for d in self.decisions if d.purpose == purpose and d.at <= t]
        events += [(w.at, w.seq, w) for w in self.withdrawals if w.purpose == purpose and w.at <= t]
        return [e for _, _, e in sorted(events, key=lambda e: (e[0], e[1]))]

    def in_force(self, purpose, t) -> list:
        events = self.timeline(purpose, t)
        decisions = [e for e in events if isinstance(e, Decision)]
        if not decisions or not decisions[-1].given:
            return []
        last = decisions[-1]
        if any(isinstance(e, Withdrawal) for e in events[events.index(last) :]):
            return []
        ends = [i for i, e in enumerate(events) if isinstance(e, Withdrawal) or not e.given]
        start = ends[-1] + 1 if ends else 0
        return [e for e in events[start:] if isinstance(e, Decision)]

    def superseded(self, version: int, t) -> bool:
        today = clock.local(t).date()
        return any(reconsent and published_on <= today for published_on, reconsent in self.notices[version + 1 :])

    def live(self, purpose, t) -> Decision | None:
        if purpose == "research_contact" and self.objected:
            return None
        live = [d for d in self.in_force(purpose, t) if not self.superseded(d.version, t)]
        return live[-1] if live else None

    def state(self, purpose, t) -> str:
        events = self.timeline(purpose, t)
        decisions = [e for e in events if isinstance(e, Decision)]
        if not decisions:
            return "not_asked"
        if self.in_force(purpose, t):
            if not [d for d in self.in_force(purpose, t) if not self.superseded(d.version, t)]:
                return "renew"
            return "objected" if purpose == "research_contact" and self.objected else "given"
        return "withdrawn" if decisions[-1].given else "refused"


# ----------------------------------------------------------------- one transaction per example


class Rollback:
    """Each example inside a savepoint of the test's own rolled-back transaction
    (tests/support/database.py), so every example starts from the same world."""

    def __init__(self, app):
        self.app = app

    def begin(self):
        self.block = database.rolled_back(self.app)
        self.block.__enter__()

    def end(self):
        self.block.__exit__(None, None, None)


# ----------------------------------------------------------------- the rules, shared

minutes_back = st.integers(min_value=16, max_value=6 * 60)
INITIAL_NOTICE_DATE = date(2025, 1, 6)


class _Rules(RuleBasedStateMachine):
    """Give / refuse / withdraw / back-dated decisions / notice changes / time passing,
    kept in the reference model; a subclass says how each is done and checked."""

    def __init__(self):
        super().__init__()
        clock.freeze(START)
        self.model = Model(notices=[(INITIAL_NOTICE_DATE, False)])

    def teardown(self):
        clock.freeze(START)

    def _tick(self):
        clock.advance(timedelta(seconds=1))  # nothing is recorded at the same instant

    def _decide(self, purpose, given, at, reason):
        now = clock.now()
        backdated = now - at > timedelta(minutes=15)
        refused = (backdated and not reason) or (not given and self.model.live(purpose, now) is not None)
        new_id = self.record(purpose, given, at, reason, refused)
        if new_id is not None:
            self.model.decisions.append(
                Decision(purpose, given, at, self.model.next_seq(), len(self.model.notices) - 1, backdated, new_id)
            )
        self._tick()

    @rule(purpose=st.sampled_from(PURPOSES), given=st.booleans())
    def decide_now(self, purpose, given):
        self._decide(purpose, given, clock.now(), "")

    @rule(purpose=st.sampled_from(PURPOSES), given=st.booleans(), back=minutes_back, with_reason=st.booleans())
    def decide_back_dated(self, purpose, given, back, with_reason):
        self._decide(
            purpose,
            given,
            clock.now() - timedelta(minutes=back),
            "Recorded after the home visit" if with_reason else "",
        )

    @rule(purpose=st.sampled_from(PURPOSES), back=st.integers(min_value=0, max_value=6 * 60))
    def withdraw(self, purpose, back):
        now = clock.now()
        target = self.model.in_force(purpose, now)
        if not target:
            return
        at = max(now - timedelta(minutes=back), target[-1].at)
        self.withdraw_decision(target[-1].id, at)
        self.model.withdrawals.append(Withdrawal(purpose, at, self.model.next_seq()))
        self._tick()

    @rule(reconsent=st.booleans(), days=st.integers(min_value=0, max_value=2))
    def publish_notice(self, reconsent, days):
        clock.advance(timedelta(days=days))
        self.publish(f"{len(self.model.notices) + 1}", reconsent)
        self.model.notices.append((clock.today(), reconsent))
        self._tick()

    @rule(minutes=st.integers(min_value=1, max_value=36 * 60))
    def time_passes(self, minutes):
        clock.advance(timedelta(minutes=minutes))


# ----------------------------------------------------------------- the rule itself, 500 examples


class ConsentRule(_Rules):
    """``consents.resolve`` over histories held in memory (unsaved model objects)."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[Consent]] = {p: [] for p in PURPOSES}
        self.by_id: dict[int, Consent] = {}
        self.notices = [
            PrivacyNotice(
                id=1,
                version="1",
                published_on=INITIAL_NOTICE_DATE,
                published_at=START - timedelta(days=400),
                reconsent_required=False,
            )
        ]

    def record(self, purpose, given, at, reason, refused):
        if refused:
            return None  # the service refuses it (tested by ConsentPortal)
        consent = Consent(
            id=len(self.by_id) + 1,
            decision="given" if given else "refused",
            decided_at=at,
            recorded_at=clock.now(),
            notice=self.notices[-1],
            backdated_reason=reason,
        )
        self.history[purpose].append(consent)
        self.by_id[consent.id] = consent
        return consent.id

    def withdraw_decision(self, consent_id, at):
        consent = self.by_id[consent_id]
        consent.withdrawal = ConsentWithdrawal(id=consent_id, withdrawn_at=at, recorded_at=clock.now())

    def publish(self, version, reconsent):
        now = clock.now()
        self.notices.append(
            PrivacyNotice(
                id=len(self.notices) + 1,
                version=version,
                published_on=clock.today(),
                published_at=now,
                reconsent_required=reconsent,
            )
        )

    @invariant()
    def resolve_agrees_with_the_model(self):
        needs_renewal = consent_rule.renewal_rule(list(reversed(self.notices)))
        moments = {clock.now()} | {d.at for d in self.model.decisions} | {w.at for w in self.model.withdrawals}
        now = clock.now()
        for purpose in PURPOSES:
            history = self.history[purpose]
            for moment in moments:
                expected = self.model.live(purpose, moment)
                # Whatever order the history comes in (checked now; the rest in one order).
                for ordering in (history, list(reversed(history))) if moment == now else (history,):
                    found = consent_rule.resolve(ordering, moment, needs_renewal)
                    assert found.state == self.model.state(purpose, moment), (purpose, moment)
                    assert (found.live_consent.id if found.live_consent else None) == (
                        expected.id if expected else None
                    ), (purpose, moment)


def test_the_rule_agrees_with_the_reference_model():
    run_state_machine_as_test(
        ConsentRule,
        settings=settings(
            max_examples=500,
            deadline=None,
            stateful_step_count=12,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# ----------------------------------------------------------------- through the portal


class ConsentPortal(_Rules):
    """The same rules through the real services, and every reader checked."""

    world = None  # set by the test: ids, the signed-in client, the rollback helper

    def __init__(self):
        super().__init__()
        self.w = type(self).world
        self.w.rollback.begin()

    def teardown(self):
        self.w.rollback.end()
        super().teardown()

    @property
    def participant(self) -> Participant:
        return db.session.get(Participant, self.w.participant_id)

    def record(self, purpose, given, at, reason, refused):
        try:
            consent = recording.record_consent(
                self.participant,
                purpose,
                "given" if given else "refused",
                "verbal",
                "In their words",
                at,
                privacy_notices.current_notice().id,
                None,
                self.w.vrc_id,
                backdated_reason=reason,
            )
        except Problems as problems:
            assert refused, [p.message for p in problems.problems]
            assert {p.field for p in problems.problems} <= {"backdated_reason", "decision"}
            db.session.rollback()
            return None
        assert not refused
        assert consent.backdated == (consent.recorded_at - at > timedelta(minutes=15))
        return consent.id

    def withdraw_decision(self, consent_id, at):
        consent = db.session.get(Consent, consent_id)
        recording.withdraw_consent(self.participant, consent, at, "phone", "", self.w.vrc_id)

    def publish(self, version, reconsent):
        now = clock.now()
        db.session.add(
            PrivacyNotice(
                version=version,
                published_on=clock.today(),
                text=f"Version {version}",
                change_note="Changed",
                reconsent_required=reconsent,
                status="published",
                created_at=now,
                updated_at=now,
                published_at=now,
            )
        )
        db.session.commit()

    @rule()
    @precondition(lambda self: not self.model.objected)
    def object_to_research(self):
        db.session.add(
            Objection(
                org_id=self.w.org_id,
                participant_id=self.w.participant_id,
                scope="research",
                recorded_by_id=self.w.dpo_id,
                recorded_at=clock.now(),
            )
        )
        db.session.commit()
        self.model.objected = True
        self._tick()

    @rule(purpose=st.sampled_from(PURPOSES))
    def withdrawing_an_ended_decision_is_refused(self, purpose):
        now = clock.now()
        in_force = {d.id for d in self.model.in_force(purpose, now)}
        ended = [d for d in self.model.decisions if d.purpose == purpose and d.given and d.id not in in_force]
        if not ended:
            return
        with pytest.raises(Problems):
            recording.withdraw_consent(
                self.participant, db.session.get(Consent, ended[-1].id), now, "phone", "", self.w.vrc_id
            )
        db.session.rollback()

    @invariant()
    def every_reader_agrees_with_the_model(self):
        now = clock.now()
        participant = self.participant
        for purpose in PURPOSES:
            expected = self.model.live(purpose, now)
            actual = consents.live_consent(participant, purpose)
            assert (actual.id if actual else None) == (expected.id if expected else None), purpose
        states = {s.purpose.code: s.state for s in consents.purpose_states(participant)}
        assert states == {p: self.model.state(p, now) for p in PURPOSES}

        # The GP-letter gate.
        gp_live = self.model.live("gp_contact", now) is not None
        try:
            gp_letters.draft_letter(
                participant,
                "Dear Doctor",
                "Park Surgery",
                "1 Park Road",
                "We agreed a phased return.",
                ["Health and wellbeing information"],
                self.w.vrc_id,
            )
        except ConsentRequired:
            assert not gp_live
        else:
            assert gp_live
        # The employer-contact gate: a contact writes a disclosure relying on the live consent.
        employer = self.model.live("employer_contact", now)
        try:
            contact = employer_contacts.record_employer_contact(
                participant,
                "call",
                now,
                "Employer Ltd",
                "Line manager",
                "A later start",
                ["Work obstacles and adjustments"],
                self.w.vrc_id,
            )
        except ConsentRequired:
            assert employer is None
            db.session.rollback()
        else:
            assert employer is not None and contact.disclosure_id is not None
            self.model.register.append(employer.id)

        # The disclosures register.
        register = disclosures.disclosures_of(participant)
        assert [d.consent_id for d in reversed(register)] == self.model.register
        backdated = {d.id for d in self.model.decisions if d.backdated}

        # The participant's consent page, through the test client (its sign-in kept
        # fresh: the clock jumps by hours here, past the idle timeout).
        db.session.execute(
            update(StaffSession).where(StaffSession.user_id == self.w.vrc_id).values(created_at=now, last_seen_at=now)
        )
        db.session.commit()
        response = self.w.client.get(self.w.consents_url)
        assert response.status_code == 200, response.headers.get("Location")
        page = response.get_data(as_text=True)
        shown = dict(re.findall(r'id="purpose-(\w+)">[^<]*<strong class="govuk-tag[^"]*">([^<]+)</strong>', page))
        assert shown == {p: LABELS[self.model.state(p, now)] for p in PURPOSES}
        history, section = page.split('id="register"')
        assert section.count('class="govuk-table__row"') == (len(self.model.register) + 1 if self.model.register else 0)
        assert section.count("Back-dated") == sum(1 for c in self.model.register if c in backdated)
        assert history.count("Back-dated</strong>") == sum(1 for d in self.model.decisions if d.backdated)


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_every_reader_agrees_with_the_reference_model(app, world, login):
    from types import SimpleNamespace

    clock.freeze(START)
    participant = world.participant
    participant.referred_at = START - timedelta(days=30)
    world.notice.published_on = INITIAL_NOTICE_DATE
    db.session.commit()
    client = login(world.vrc)
    ConsentPortal.world = SimpleNamespace(
        participant_id=participant.id,
        org_id=participant.org_id,
        vrc_id=world.vrc.id,
        dpo_id=world.dpo.id,
        client=client,
        rollback=Rollback(app),
        consents_url=f"/h2e/participants/{participant.id}/consents",
    )
    try:
        run_state_machine_as_test(
            ConsentPortal,
            settings=settings(
                max_examples=PORTAL_EXAMPLES,
                deadline=None,
                stateful_step_count=PORTAL_STEPS,
                database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        ConsentPortal.world = None
