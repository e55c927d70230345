"""The DPO's review of disclosures a one-off check put on the review list (issue 15):
each waits on ``/dpo/overrides`` beside the emergency overrides until reviewed."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.consent.dpo import bp
from blueprints.consent.forms import DisclosureReviewForm
from blueprints.participants.common import show_problems
from portal import audit, tenancy
from portal.extensions import db
from portal.models import DisclosureReview, Organisation, Participant
from portal.permissions import requires
from portal.services import disclosure_reviews
from portal.services.participant_access import reads_participant_data
from portal.services.validation import Problems


@bp.route("/disclosure-reviews/<int:review_id>", methods=["GET", "POST"])
@requires("override.review")
@reads_participant_data
def disclosure_review(review_id):
    item = tenancy.service_wide_get(DisclosureReview, review_id)
    participant = db.session.get(Participant, item.participant_id)
    form = DisclosureReviewForm()
    if form.validate_on_submit() and item.reviewed_at is None:
        try:
            disclosure_reviews.review(item, form.outcome.data, form.notes.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Review recorded: the disclosure has left the review list", "success")
            return redirect(url_for(".overrides"))
    audit.record("participant.viewed", object_type="participant", object_id=participant.id,
                 participant_id=participant.id, detail={"view": "dpo.disclosure_review", "review_id": item.id})
    db.session.commit()
    return render_template("consent/dpo/disclosure_review.html", item=item, disclosure=item.disclosure,
                           participant=participant, org=db.session.get(Organisation, participant.org_id), form=form,
                           title="Disclosure to review: a possible breach")
