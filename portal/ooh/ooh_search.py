"""Finding the caller: a minimal-disclosure search across every organisation.

Out-of-hours staff answer for every partner (the privacy notice's "Out of hours
Service"), so this search, unlike casework lists, is not confined to one
organisation. It discloses only what is needed to pick the right person: initial and
surname, date of birth, the first half of the postcode and the delivering
organisation; and nobody at all when nothing or more than five open cases match.

Audited without the terms or anything derived from them (a hash of a surname and a
date of birth is trivially reversed): who searched, when, the outcome as a bucket,
and the ids shown.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.access import ooh_log
from portal.extensions import db
from portal.models import Organisation, Participant
from portal.models.participant import CLOSED_STATUSES
from portal.validation import Invalid, Problems, clean_postcode, clean_text, outward_code

MAX_SHOWN = 5


@dataclass(frozen=True)
class SearchHit:
    participant_id: int
    org_slug: str
    organisation: str
    initial: str
    surname: str
    date_of_birth: date
    outward_code: str


@dataclass(frozen=True)
class SearchResult:
    outcome: str  # none, one_to_five or too_many
    hits: tuple[SearchHit, ...] = ()


def _normal(text: str | None) -> str:
    return "".join(str(text or "").split()).casefold().replace("’", "'").replace("‘", "'")


def search(worker_id: int, surname: str | None, date_of_birth: date | None, postcode: str | None = "") -> SearchResult:
    """Open cases whose surname and date of birth (and postcode, when given) match.
    Case, spaces and apostrophe styles are ignored. Closed cases are not offered: the
    line is for current participants' appointments."""
    problems: list[Invalid] = []
    try:
        surname = clean_text(surname, "the caller’s surname", 100, required=True)
    except Invalid as problem:
        problem.field = "surname"
        problems.append(problem)
    if date_of_birth is None:
        problems.append(Invalid("Enter the caller’s date of birth", field="date_of_birth"))
    wanted_postcode = None
    if str(postcode or "").strip():
        try:
            wanted_postcode = clean_postcode(postcode)
        except Invalid as problem:
            problem.field = "postcode"
            problems.append(problem)
    if problems:
        raise Problems(problems)

    # The date of birth is selective; the surname is compared here, so that case is
    # folded the same way on every database.
    stmt = (
        select(Participant, Organisation)
        .join(Organisation, Organisation.id == Participant.org_id)
        .where(Participant.date_of_birth == date_of_birth, Participant.status.not_in(CLOSED_STATUSES))
        .order_by(Participant.last_name, Participant.id)
    )
    wanted = _normal(surname)
    matches = [
        (p, o)
        for p, o in db.session.execute(stmt).all()
        if _normal(p.last_name) == wanted
        and (wanted_postcode is None or _normal(p.postcode) == _normal(wanted_postcode))
    ]
    shown: list[tuple[Participant, Organisation]]
    if not matches:
        outcome, shown = "none", []
    elif len(matches) > MAX_SHOWN:
        outcome, shown = "too_many", []
    else:
        outcome, shown = "one_to_five", matches
    ooh_log.record("search", worker_id, outcome=outcome, shown=[p for p, _ in shown])
    db.session.commit()
    return SearchResult(
        outcome,
        tuple(
            SearchHit(
                participant_id=p.id,
                org_slug=o.slug,
                organisation=o.name,
                initial=p.first_name[:1].upper(),
                surname=p.last_name,
                date_of_birth=p.date_of_birth,
                outward_code=outward_code(p.postcode),
            )
            for p, o in shown
        ),
    )
