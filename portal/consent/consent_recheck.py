"""The one-off check of disclosures already made relying on a consent (issue 15, item 1).

Until the consent state became a function of the whole history
(``consents.resolve``), a "given" decision back-dated to before a withdrawal brought
the consent back to life, and a GP letter or an employer contact could go out
relying on it. This check reads every disclosure that relied on a consent, asks the
corrected rule whether that consent was live at the moment of the disclosure, and
puts each one that was not on the DPO's review list (``DisclosureReview``, the list
the emergency overrides wait on) as a possible breach. It is audited (one event
with the counts, the review items and the participants' ids) and safe to run twice:
a disclosure already on the list for this concern is not added again.

Run it with ``flask --app wsgi recheck-consent-disclosures``.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from portal import audit
from portal.consent import consent_rule, consents, disclosure_reviews
from portal.extensions import db
from portal.models import Disclosure, Participant
from portal.notifications import notify
from portal.permissions import dpo_user_ids

KIND = "consent_not_live"
FOUND_BY = "recheck-consent-disclosures"


@dataclass
class RecheckResult:
    checked: int = 0
    raised: list[int] = field(default_factory=list)  # DisclosureReview ids added by this run
    already: int = 0  # not live, but already on the list
    not_live: list[int] = field(default_factory=list)  # Disclosure ids the rule says relied on no live consent


def _finding(disclosure: Disclosure, found: consent_rule.Verdict) -> str:
    """What the rule says, in ids, dates and states only (no personal data)."""
    consent = disclosure.consent
    assert consent is not None  # only disclosures that relied on a consent are rechecked
    when = consents.moment_text(disclosure.disclosed_at)
    text = (
        f"Disclosure {disclosure.id} ({disclosure.source}) on {when} relied on consent decision {consent.id} "
        f"({consent.purpose.code}, dated {consents.moment_text(consent.decided_at)}), which was not live then: "
        f"the purpose was {PURPOSE_STATES.get(found.state, found.state)}"
    )
    ended = found.ended.get(consent.id)
    if ended is not None and ended.withdrawal is not None:
        text += (
            f"; a withdrawal dated {consents.moment_text(ended.effective_at)} (recorded "
            f"{consents.moment_text(ended.recorded_at)}) ended every decision dated before it"
        )
    elif ended is not None:
        text += f"; a refusal dated {consents.moment_text(ended.effective_at)} ended it"
    return text + "."


PURPOSE_STATES = {
    "not_asked": "not asked",
    "refused": "refused",
    "withdrawn": "withdrawn",
    "renew": "waiting to be asked again (a newer privacy notice)",
    "given": "given under another decision",
}


def recheck_consent_disclosures(user_id: int | None = None) -> RecheckResult:
    """Put every disclosure that relied on a consent the corrected rule says was not
    live at the time on the DPO's review list; notify the DPOs when anything was
    added. One audit event lists what was checked and raised."""

    result = RecheckResult()
    participant_ids = set()
    rows = db.session.scalars(
        select(Disclosure).where(Disclosure.consent_id.is_not(None)).order_by(Disclosure.id)
    ).all()
    for disclosure in rows:
        result.checked += 1
        participant = db.session.get(Participant, disclosure.participant_id)
        assert participant is not None  # disclosure.participant_id is a foreign key to the participant
        assert disclosure.consent is not None  # selected above: consent_id is not None
        found = consents.verdict(participant, disclosure.consent.purpose, disclosure.disclosed_at)
        if disclosure.consent_id in {c.id for c in found.live}:
            continue
        result.not_live.append(disclosure.id)
        item = disclosure_reviews.flag(disclosure, KIND, _finding(disclosure, found), FOUND_BY)
        if item is None:
            result.already += 1
            continue
        result.raised.append(item.id)
        participant_ids.add(disclosure.participant_id)
    audit.record(
        "consent_disclosures.rechecked",
        object_type="disclosure_review",
        user_id=user_id,
        detail={
            "checked": result.checked,
            "not_live": result.not_live,
            "raised": result.raised,
            "already": result.already,
            "participant_ids": sorted(participant_ids),
        },
    )
    if result.raised:
        count = len(result.raised)
        for dpo_id in dpo_user_ids():
            notify(
                dpo_id,
                "disclosure_review",
                f"{count} disclosure{'s' if count != 1 else ''} relied on a consent that was not live: "
                "review each as a possible breach",
                "/dpo/overrides",
                email_subject="Disclosures wait for your review",
            )
    db.session.commit()
    return result
