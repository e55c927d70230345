"""Contract areas (lead admin): postcode area → delivering organisation."""

from blueprints.contract_areas.routes import bp  # noqa: F401
