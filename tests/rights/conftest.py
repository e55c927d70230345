"""Rights fixtures: the consent world (casework + purposes + notice version 1)."""
from tests.consent.conftest import notice, world  # noqa: F401  (fixtures)
from tests.casework.conftest import cw, login  # noqa: F401  (fixtures)
