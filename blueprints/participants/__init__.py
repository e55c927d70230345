"""The participant record under ``/<org>/participants/<id>/...``.

Every route fetches its participant through ``participant_access.get_participant``
and renders through ``render_participant``, which audits the view.
"""

from blueprints.participants import appointments, notes, plan, record  # noqa: F401,E402
from blueprints.participants.common import bp  # noqa: F401
