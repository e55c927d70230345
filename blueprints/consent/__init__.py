"""Consent and the disclosures register (issue 6).

- ``consent`` (``/<org>/participants/<id>/...``): a participant's consents, GP
  letters, employer contact, emergency contact and disclosures register;
- ``privacy`` (``/dpo/...``): notice versions, the review list (emergency overrides,
  and disclosures a one-off check flagged: ``dpo_reviews``), decisions on requests
  from authorities;
- ``authority_requests`` (``/authority-requests/...``): logging a request, for any
  staff member; ``privacy_notices`` (``/privacy-notices/<id>``): a published notice.
"""
from blueprints.consent.common import bp  # noqa: F401
from blueprints.consent import letters, participant, sharing  # noqa: F401,E402
from blueprints.consent.dpo import bp as dpo_bp  # noqa: F401,E402
from blueprints.consent import dpo_reviews  # noqa: F401,E402
from blueprints.consent.staff import bp as authority_bp, notices_bp  # noqa: F401,E402
