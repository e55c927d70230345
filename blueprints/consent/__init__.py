"""A participant's consents, GP letters, employer contact, emergency contact and
disclosures register (``/<org>/participants/<id>/...``; issue 6)."""

from blueprints.consent import letters, participant, sharing  # noqa: F401,E402
from blueprints.consent.common import bp  # noqa: F401
