"""The lead partner's pages (/lead/): the contract dashboard and the monthly DWP contract reports."""

from blueprints.lead.routes import bp  # noqa: F401
