"""Referrals in: one by form, or many by CSV upload read by a tracked job."""

from blueprints.referrals.routes import bp  # noqa: F401
