"""Training records and compliance (``/admin/<org>/training``) and quarterly access
reviews (``/admin/<org>/access-review``, ``/admin/access-reviews`` for the lead admin)."""

from blueprints.governance.routes import bp  # noqa: F401
