"""Issue 16: building the monthly contract report takes the same number of queries
whatever the number of participants (it used to look participants up 500 at a time:
622 queries at 100,000 participants)."""

from portal.demo import scale
from portal.months import Month
from portal.reporting import contract_reports
from tests.support import database
from tests.support.queries import statements


def _build_queries(app, participants: int) -> tuple[int, int]:
    with database.rolled_back(app), app.app_context():
        scale.seed_scale(participants, notes_per_participant=2, audit_events=0)
        with statements() as seen:
            built = contract_reports.build_content(Month.current().previous())
        return len(seen), len(built.participant_ids)


def test_the_report_takes_the_same_queries_for_100_and_2000_participants(app):
    few, shown_few = _build_queries(app, 100)
    many, shown_many = _build_queries(app, 2000)
    assert shown_many > 10 * shown_few > 0  # the return really grew
    assert many == few, (few, many)
