"""The consent rule, pure: which of a participant's decisions on one purpose is live at a
moment. Decisions and withdrawals are read in the order they took effect (ties: the one
recorded first); a withdrawal or a refusal ends every decision dated before it, whatever
is recorded later; a decision under a privacy notice that a newer one replaces must be
asked again. portal.consent.consents reads a participant's history and asks here."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from portal import clock
from portal.consent import privacy_notices
from portal.models import Consent, ConsentWithdrawal, PrivacyNotice

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.

# The purposes the migration seeds (kept here too for demo data and tests, whose
# tables are emptied between tests). Descriptions follow the AtW MHSS notice.


@dataclass(frozen=True)
class ConsentEvent:
    """One step of a purpose's history: a decision, or the withdrawal of one."""

    effective_at: datetime
    recorded_at: datetime
    consent: Consent
    withdrawal: ConsentWithdrawal | None = None

    @property
    def order(self) -> tuple[datetime, datetime, bool, int]:
        # A decision and a withdrawal recorded at the same instant: the decision first
        # (a withdrawal can only name a decision already recorded).
        return (
            self.effective_at,
            self.recorded_at,
            self.withdrawal is not None,
            self.withdrawal.id if self.withdrawal is not None else self.consent.id,
        )


@dataclass(frozen=True)
class Verdict:
    """A purpose's state at ``at``.

    ``current``: the decision in effect (the last to take effect), if any;
    ``in_force``: the "given" decisions no withdrawal or refusal has ended since;
    ``live``: those of them still live (not given under a notice version that asks
    everyone again); ``ended_by``: the withdrawal that ended the consent, when the
    state is ``withdrawn``; ``since``: when the state began.
    """

    state: str  # not_asked | given | refused | withdrawn | renew
    at: datetime
    current: Consent | None = None
    in_force: tuple[Consent, ...] = ()
    live: tuple[Consent, ...] = ()
    ended_by: ConsentWithdrawal | None = None
    since: datetime | None = None
    # For each decision no longer in force: the event that ended it.
    ended: dict[int, ConsentEvent] = field(default_factory=dict)

    @property
    def live_consent(self) -> Consent | None:
        """The consent an action relies on: the latest live decision."""
        return self.live[-1] if self.live else None


def events_of(decisions: Iterable[Consent]) -> list[ConsentEvent]:
    """The history of one purpose as events, in the order they took effect."""
    events = []
    for consent in decisions:
        events.append(ConsentEvent(consent.decided_at, consent.recorded_at, consent))
        if consent.withdrawal is not None:
            events.append(
                ConsentEvent(
                    consent.withdrawal.withdrawn_at, consent.withdrawal.recorded_at, consent, consent.withdrawal
                )
            )
    return sorted(events, key=lambda e: e.order)


def resolve(decisions: Iterable[Consent], at: datetime, needs_renewal: Callable[[Consent, datetime], bool]) -> Verdict:
    """THE rule: the state of one purpose at ``at`` from its whole history (every
    decision about it and their withdrawals, whatever order they were recorded in).
    ``needs_renewal(consent, at)`` says whether a later notice version asks everyone
    again. Pure: it reads nothing but its arguments."""
    state, current, since, ended_by = "not_asked", None, None, None
    in_force: list[Consent] = []
    ended: dict[int, ConsentEvent] = {}
    for event in events_of(decisions):
        if event.effective_at > at:
            break
        if event.withdrawal is None:
            current, since = event.consent, event.effective_at
            if event.consent.decision == "given":
                state, ended_by = "given", None
                in_force.append(event.consent)
            else:
                for consent in in_force:
                    ended[consent.id] = event
                state, in_force = "refused", []
        elif in_force:
            # A withdrawal ends every decision dated before it.
            for consent in in_force:
                ended[consent.id] = event
            state, in_force, since, ended_by = "withdrawn", [], event.effective_at, event.withdrawal
    live = tuple(c for c in in_force if not needs_renewal(c, at))
    if state == "given" and not live:
        state = "renew"
    return Verdict(state, at, current, tuple(in_force), live, ended_by, since, ended)


def renewal_rule(published: Iterable[PrivacyNotice]) -> Callable[[Consent, datetime], bool]:
    """Pure: given the published notice versions, whether a consent given under its
    version must be asked again at a moment: a version in force then, newer than the
    one the participant saw, asks everyone again (``reconsent_required``)."""
    ordered = sorted(published, key=privacy_notices.notice_order, reverse=True)

    def needs_renewal(consent: Consent, at: datetime) -> bool:
        today = clock.local(at).date()
        in_force = next((n for n in ordered if n.published_on <= today), None)
        if in_force is None:
            return False
        seen = privacy_notices.notice_order(consent.notice)
        for notice in ordered:
            if notice.published_on > in_force.published_on:
                continue
            if privacy_notices.notice_order(notice) <= seen:
                break
            if notice.reconsent_required:
                return True
        return False

    return needs_renewal
