"""Requests from authorities (HMRC, the police) for a participant's data (``/authority-
requests/``): logged by any member of staff, decided by the DPO."""

from blueprints.authority_requests.routes import bp  # noqa: F401
