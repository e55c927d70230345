"""The out-of-hours service (issue 7): the call pages under /ooh/, and their
oversight (the DPO's and team managers' log, the VRC's "called back")."""

from blueprints.ooh.routes import bp  # noqa: F401
