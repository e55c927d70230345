"""Governance fixtures: the casework world (tests/casework/conftest.py)."""

import pytest

from tests.casework.conftest import cw  # noqa: F401  (fixtures)


@pytest.fixture
def world(cw):
    return cw
