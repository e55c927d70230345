"""Rights fixtures: the consent world (casework + purposes + notice version 1)."""

from datetime import UTC, datetime

import pytest

from portal import clock
from tests.casework.conftest import cw  # noqa: F401  (fixtures)
from tests.consent.conftest import notice, world  # noqa: F401  (fixtures)


@pytest.fixture
def march_4():
    """The page tests' today: 4 March 2026, 10:00 (the autouse clean-up resets the clock)."""
    clock.freeze(datetime(2026, 3, 4, 10, tzinfo=UTC))
