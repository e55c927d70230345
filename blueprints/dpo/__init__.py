"""The Data Protection Officer's pages, all under ``/dpo/``: one blueprint, ``dpo``,
whose parts are blueprints nested in it (endpoints ``dpo.<part>.<view>``):

- ``requests``: the DPO's home (``/dpo/``), the rights requests dashboard, each
  request's workflows, and complaints;
- ``rights``: access packages, erasure and the full read of a participant's record,
  reached from a request linked to that participant;
- ``privacy``: privacy notice versions, the review list (emergency overrides and
  flagged disclosures: ``privacy_reviews``), decisions on requests from authorities;
- ``retention``: retention rules, legal holds, destruction lists, audit checkpoints;
- ``governance``: the breach register and audit search;
- ``ooh``: the out-of-hours log of every organisation.
"""

from flask import Blueprint

from blueprints.dpo import (
    complaints,
    governance,
    ooh,
    privacy,
    privacy_reviews,
    request_links,
    requests,
    retention,
    rights,
)

bp = Blueprint("dpo", __name__, url_prefix="/dpo")

# These add their views to another part's blueprint.
assert privacy_reviews.bp is privacy.bp
assert complaints.bp is requests.bp and request_links.bp is requests.bp
for part in (privacy, requests, rights, ooh, retention, governance):
    bp.register_blueprint(part.bp)
