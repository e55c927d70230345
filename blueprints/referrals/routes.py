"""Referrals in: one by form, or many by CSV upload read by a tracked job."""

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.referrals.forms import ReferralForm, UploadForm
from portal.access import participant_access
from portal.actions import Action
from portal.models import ReferralUpload
from portal.permissions import requires
from portal.referrals import referral_upload, referrals
from portal.tenancy import org_blueprint, scoped_get
from portal.validation import Problems

bp = org_blueprint("referrals", __name__, url_prefix="/referrals")
bp.before_request(participant_access.gate_casework_lists)


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.REFERRAL_TAKE_IN)
def new():
    form = ReferralForm()
    if form.validate_on_submit():
        try:
            taken = referrals.take_in(form.data, taken_in_by=g.org, user_id=current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            if taken.org.id == g.org.id:
                re = " It is a re-referral, linked to the earlier closed case." if taken.re_referral else ""
                flash(f"Referral taken in: it is waiting to be allocated.{re}", "success")
                return redirect(url_for("participants.record", participant_id=taken.participant.id))
            flash(
                f"Referral taken in. Its postcode is in {taken.org.name}’s contract area, so it has gone to "
                "their unallocated referrals.",
                "success",
            )
            return redirect(url_for(".new"))
    return render_template("referrals/new.html", title="Take in a referral", form=form)


@bp.route("/upload", methods=["GET", "POST"])
@requires(Action.REFERRAL_TAKE_IN)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            started = referral_upload.start_upload(
                g.org,
                getattr(file, "filename", "") or "",
                file.read(referral_upload.MAX_BYTES + 1) if file else b"",
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            return redirect(url_for(".upload_result", upload_id=started.id), 303)
    return render_template(
        "referrals/upload.html",
        title="Upload referrals",
        form=form,
        uploads=referral_upload.uploads_of(g.org),
        columns=referral_upload.COLUMNS,
        required=referral_upload.REQUIRED_COLUMNS,
    )


@bp.route("/uploads/<int:upload_id>")
@requires(Action.REFERRAL_TAKE_IN)
def upload_result(upload_id):
    found = scoped_get(ReferralUpload, upload_id)
    shown = [
        r["participant_id"] for r in found.results or [] if r["outcome"] == "accepted" and r.get("org_id") == g.org.id
    ]
    participant_access.audit_list("referrals.upload_result", shown)
    return render_template(
        "referrals/result.html",
        title="Referrals upload",
        upload=found,
        job=referral_upload.job_of(found),
        earlier=referral_upload.earlier_same_file(found),
        org_names=referral_upload.organisation_names(),
    )
