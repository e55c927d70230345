"""The out-of-hours service (issue 7): the call pages under ``/ooh/`` (``routes``: finding
the caller, the verbal-consent check, the limited view, callbacks, the worker's access;
``actions``: what a worker may do under a grant). Oversight is ``ooh_oversight`` and the
DPO's ``dpo.ooh``."""

from blueprints.ooh import actions
from blueprints.ooh.routes import bp

# actions adds its views to the ooh blueprint.
assert actions.bp is bp
