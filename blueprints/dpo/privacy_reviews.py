"""The DPO's review of disclosures a one-off check put on the review list (issue 15):
each waits on ``/dpo/overrides`` beside the emergency overrides until reviewed."""

from blueprints.consent.forms import DisclosureReviewForm
from blueprints.dpo.privacy import bp as bp  # bp re-exported: blueprints/dpo/__init__.py checks it
from blueprints.dpo.privacy import review_page
from portal import tenancy
from portal.access.participant_access import reads_participant_data
from portal.actions import Action
from portal.consent import disclosure_reviews
from portal.models import DisclosureReview
from portal.permissions import requires


@bp.route("/disclosure-reviews/<int:review_id>", methods=["GET", "POST"])
@requires(Action.OVERRIDE_REVIEW)
@reads_participant_data
def disclosure_review(review_id):
    item = tenancy.service_wide_get(DisclosureReview, review_id)
    return review_page(
        item,
        DisclosureReviewForm(),
        disclosure_reviews.review,
        "disclosure",
        {"view": "dpo.disclosure_review", "review_id": item.id},
        "consent/dpo/disclosure_review.html",
        item=item,
        disclosure=item.disclosure,
        title="Disclosure to review: a possible breach",
    )
