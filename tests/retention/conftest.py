"""Retention fixtures: the casework world, its participant's case closed on a known day."""

from datetime import UTC, date, datetime

import pytest

from tests.casework.conftest import cw  # noqa: F401  (fixtures)

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
CLOSED_ON = date(2026, 1, 5)


@pytest.fixture
def world(cw, make):
    from portal import clock
    from portal.extensions import db

    clock.freeze(START)
    p = cw.participant
    p.status, p.closed_on, p.status_changed_on = "completed", CLOSED_ON, CLOSED_ON
    db.session.commit()
    cw.appointment = make.appointment(p)
    make.consent_purposes()
    cw.consent = make.consent(p, recorded_by=cw.vrc)
    return cw
