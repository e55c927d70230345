"""Oversight of the out-of-hours service in an organisation: the team manager's log
(``/<org>/ooh-log``) and the VRC's "called back" button for a callback note;
``show_log`` also draws the DPO's log (``blueprints.dpo.ooh``)."""

from blueprints.ooh_oversight.routes import bp  # noqa: F401
