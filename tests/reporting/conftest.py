"""Reporting fixtures: the service (lead partner, two delivery partners, DWP), its staff,
and clients signed in by a session row."""

import pytest

from tests.support import worlds
from tests.support.web import errors_of, post, sign_in, text_of  # noqa: F401 - shared helpers


@pytest.fixture
def svc(make):
    return worlds.reporting(make)
