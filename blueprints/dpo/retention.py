"""The DPO's retention pages (DESIGN.md rules 7 and 10): rules and their history,
legal holds, destruction lists (approve, destroy, certificate) and the sealing of
an audit checkpoint. Only the DPO (``retention.manage``)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.dpo.retention_forms import (
    ApproveAllForm,
    ApproveForm,
    BuildForm,
    CheckpointForm,
    DestroyForm,
    HoldForm,
    LiftForm,
    RuleForm,
)
from portal import audit, clock, tenancy
from portal.actions import Action
from portal.governance import legal_holds
from portal.models.retention import COUNTED_FROM, DestructionList, LegalHold
from portal.permissions import requires
from portal.retention import audit_archive, destruction_lists, retention
from portal.validation import Invalid, Problems

bp = Blueprint("retention", __name__)


def _get(model, object_id):
    return tenancy.service_wide_get(model, object_id)


# ----------------------------------------------------------------- rules


@bp.route("/retention")
@requires(Action.RETENTION_MANAGE)
def rules():
    found = retention.rules()
    by_id = {r.id: r for r in found}
    return render_template(
        "retention/rules.html",
        rules=found,
        history=retention.history(),
        by_id=by_id,
        period_label=retention.period_label,
        counted_from=COUNTED_FROM,
        checkpoint=audit.latest_checkpoint(),
        title="Retention rules",
    )


@bp.route("/retention/<key>", methods=["GET", "POST"])
@requires(Action.RETENTION_MANAGE)
def edit_rule(key):
    found = retention.rule(key)
    if found is None:
        abort(404)
    form = RuleForm()
    form.counted_from.choices = [(k, COUNTED_FROM[k]) for k in retention.ALLOWED_FROM[found.key]]
    if request.method == "GET":
        form.period_months.data = str(found.period_months)
        form.counted_from.data = found.counted_from
    if form.validate_on_submit():
        try:
            change = retention.update_rule(
                found, form.period_months.data, form.counted_from.data, form.note.data, current_user
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Rule saved" if change else "Nothing changed", "success")
            return redirect(url_for(".rules"))
    return render_template("retention/rule_form.html", form=form, rule=found, title=f"Retention: {found.name}")


# ----------------------------------------------------------------- legal holds


@bp.route("/legal-holds")
@requires(Action.RETENTION_MANAGE)
def holds():
    found = legal_holds.view_holds()
    return render_template(
        "retention/holds.html", holds=found.holds, participants=found.participants, orgs=found.orgs, title="Legal holds"
    )


@bp.route("/legal-holds/new", methods=["GET", "POST"])
@requires(Action.RETENTION_MANAGE)
def new_hold():
    form = HoldForm()
    if form.validate_on_submit():
        problems = []
        participant = legal_holds.participant_with_reference(form.atw_reference.data or "")
        if participant is None:
            problems.append(Invalid("Enter the Access to Work reference of a participant", "atw_reference"))
        if not (form.reason.data or "").strip():
            problems.append(Invalid("Enter the reason for the hold", "reason"))
        if form.review_on.data is None:
            problems.append(Invalid("Enter the date to review the hold by", "review_on"))
        elif form.review_on.data <= clock.today():
            problems.append(Invalid("The review date must be in the future", "review_on"))
        try:
            if problems:
                raise Problems(problems)
            # No problems: the participant was found, the reason and the review date given.
            assert participant is not None and form.reason.data is not None and form.review_on.data is not None
            hold = legal_holds.place_hold(
                participant, reason=form.reason.data, review_on=form.review_on.data, placed_by=current_user
            )
        except legal_holds.HoldError as error:
            show_problems(form, Problems([Invalid(str(error), "atw_reference")]))
        except Problems as error:
            show_problems(form, error)
        else:
            flash(
                f"Legal hold {hold.id} placed: nothing of this participant will be destroyed or erased "
                "until it is lifted",
                "success",
            )
            return redirect(url_for(".holds"))
    return render_template("retention/hold_form.html", form=form, title="Place a legal hold")


@bp.route("/legal-holds/<int:hold_id>/lift", methods=["GET", "POST"])
@requires(Action.RETENTION_MANAGE)
def lift_hold(hold_id):
    hold = _get(LegalHold, hold_id)
    if not hold.active:
        abort(404)
    form = LiftForm()
    if form.validate_on_submit():
        if not (form.reason.data or "").strip():
            show_problems(form, Problems([Invalid("Enter why the hold is lifted", "reason")]))
        else:
            legal_holds.lift_hold(hold, lifted_by=current_user, reason=form.reason.data or "")
            flash(f"Legal hold {hold.id} lifted", "success")
            return redirect(url_for(".holds"))
    return render_template("retention/lift.html", form=form, hold=hold, title=f"Lift legal hold {hold.id}")


# ----------------------------------------------------------------- destruction lists


@bp.route("/destruction")
@requires(Action.RETENTION_MANAGE)
def lists():
    return render_template(
        "retention/lists.html", lists=destruction_lists.lists(), build_form=BuildForm(), title="Destruction lists"
    )


@bp.route("/destruction/build", methods=["POST"])
@requires(Action.RETENTION_MANAGE)
def build():
    form = BuildForm()
    if not form.validate_on_submit():
        abort(400)
    found = destruction_lists.build_list(current_user)
    flash(f"Destruction list {found.id} built: {len(found.items)} items", "success")
    return redirect(url_for(".destruction_list", list_id=found.id), 303)


def _list_page(found, approve_form=None, destroy_form=None, status=200):
    failed = approve_form or destroy_form
    approve_form = approve_form or ApproveForm()
    approve_form.items.choices = [(str(i.id), f"Item {i.id}") for i in found.items if i.status == "pending"]
    rules = {r.key: r for r in retention.rules()}
    return render_template(
        "retention/list.html",
        found=found,
        rules=rules,
        approve_form=approve_form,
        approve_all_form=ApproveAllForm(),
        destroy_form=destroy_form or DestroyForm(),
        labels=retention.STATUS_LABELS,
        counted_from=COUNTED_FROM,
        period_label=retention.period_label,
        running=destruction_lists.running_destruction(found),
        form=failed,
        title=f"Destruction list {found.id}",
    ), status


@bp.route("/destruction/<int:list_id>")
@requires(Action.RETENTION_MANAGE)
def destruction_list(list_id):
    return _list_page(_get(DestructionList, list_id))


@bp.route("/destruction/<int:list_id>/approve", methods=["POST"])
@requires(Action.RETENTION_MANAGE)
def approve(list_id):
    found = _get(DestructionList, list_id)
    every = "approve_all" in request.form
    form = ApproveAllForm() if every else ApproveForm()
    if not every:
        form.items.choices = [(str(i.id), "") for i in found.items]
    if not form.validate_on_submit():
        abort(400)
    if not every and not form.items.data:
        form.items.errors = ["Select the items to approve"]
        return _list_page(found, approve_form=form, status=400)
    count = destruction_lists.approve(found, None if every else form.items.data, current_user)
    flash(f"{count} item{'s' if count != 1 else ''} approved for destruction", "success")
    return redirect(url_for(".destruction_list", list_id=found.id), 303)


@bp.route("/destruction/<int:list_id>/destroy", methods=["POST"])
@requires(Action.RETENTION_MANAGE)
def destroy(list_id):
    found = _get(DestructionList, list_id)
    form = DestroyForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.confirm.data:
        form.confirm.errors = ["Confirm that the approved items are to be destroyed"]
        return _list_page(found, destroy_form=form, status=400)
    job = destruction_lists.start_destruction(found, current_user)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.route("/destruction/<int:list_id>/certificate.pdf")
@requires(Action.RETENTION_MANAGE)
def certificate(list_id):
    found = _get(DestructionList, list_id)
    pdf = destruction_lists.certificate_pdf(found, current_user)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="destruction-certificate-{found.id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ----------------------------------------------------------------- audit checkpoint


@bp.route("/retention/audit-checkpoint", methods=["GET", "POST"])
@requires(Action.RETENTION_MANAGE)
def checkpoint():
    cut = audit_archive.audit_cut()
    form = CheckpointForm()
    if form.validate_on_submit() and cut is not None:
        if not form.confirm.data:
            form.confirm.errors = ["Confirm that the checkpoint is to be sealed"]
        else:
            try:
                sealed = audit_archive.seal_checkpoint(cut, current_user)
            except audit_archive.CheckpointRefused as refused:
                form.confirm.errors = [f"The checkpoint was not sealed: {refused}"]
            else:
                flash(
                    f"Checkpoint sealed at audit event {sealed.checkpoint_seq}: {sealed.event_count} events "
                    "archived and removed",
                    "success",
                )
                return redirect(url_for(".rules"), 303)
    count = audit_archive.events_to_seal(cut) if cut is not None else 0
    return render_template(
        "retention/checkpoint.html",
        form=form,
        cut=cut,
        count=count,
        sealed=audit.latest_checkpoint(),
        rule=retention.rule("audit_events"),
        period_label=retention.period_label,
        title="Seal an audit checkpoint",
    )
