"""Caseload pages: a VRC's own, and the team manager's (caseload, unallocated
referrals, each VRC's load, the month's times to first contact, the research and
focus-group contact list)."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.caseload.forms import ReallocateCaseloadForm
from blueprints.common import options, show_problems
from portal import clock
from portal.access import participant_access
from portal.actions import Action
from portal.casework import allocation, caseloads, team
from portal.casework import research_contacts as research
from portal.ooh import callbacks as ooh_callbacks
from portal.permissions import requires
from portal.tenancy import org_blueprint
from portal.validation import Problems

bp = org_blueprint("caseload", __name__)
bp.before_request(participant_access.gate_casework_lists)


def _filters():
    """The list's query: search words, status, page (never audited: rule 10)."""
    try:
        page = min(max(1, int(request.args.get("page", 1))), 100_000)
    except ValueError:
        page = 1
    status = request.args.get("status", "open")
    if status not in caseloads.STATUS_FILTERS:
        status = "open"
    return {"search": request.args.get("q", "").strip()[:100], "status": status, "page": page}


@bp.route("/caseload")
@requires(Action.CASELOAD_OWN)
def mine():
    filters = _filters()
    callbacks = ooh_callbacks.open_callbacks(g.org, current_user.id, None)  # in the page's one list event
    result = caseloads.caseload(
        g.org, vrc_id=current_user.id, view="caseload.own", also_shown=[c.participant_id for c in callbacks], **filters
    )
    return render_template(
        "caseload/list.html",
        title="Your caseload",
        result=result,
        filters=filters,
        show_vrc=False,
        endpoint="caseload.mine",
        callbacks=callbacks,
    )


@bp.route("/team/caseload")
@requires(Action.CASELOAD_TEAM)
def team_caseload():
    filters = _filters()
    vrcs = allocation.vrcs_of(g.org.id)
    vrc_filter = request.args.get("vrc", "")
    vrc_id = next((v.id for v in vrcs if str(v.id) == vrc_filter), None)
    callbacks = ooh_callbacks.open_callbacks(g.org, None, None)  # in the page's one list event
    result = caseloads.caseload(
        g.org, vrc_id=vrc_id, view="caseload.team", also_shown=[c.participant_id for c in callbacks], **filters
    )
    return render_template(
        "caseload/list.html",
        title="Team caseload",
        result=result,
        filters=filters,
        show_vrc=True,
        vrcs=vrcs,
        vrc_filter=str(vrc_id or ""),
        endpoint="caseload.team_caseload",
        callbacks=callbacks,
    )


@bp.route("/team/unallocated")
@requires(Action.CASELOAD_TEAM)
def unallocated():
    filters = _filters()
    result = caseloads.caseload(g.org, unallocated=True, view="caseload.unallocated", **filters)
    return render_template(
        "caseload/list.html",
        title="Unallocated referrals",
        result=result,
        filters=filters,
        show_vrc=False,
        unallocated=True,
        endpoint="caseload.unallocated",
    )


@bp.route("/team")
@requires(Action.CASELOAD_TEAM)
def overview():
    return render_template(
        "caseload/team.html",
        title="Your team",
        loads=team.vrc_loads(g.org),
        unallocated=team.unallocated_count(g.org),
        times=team.contact_times(g.org),
    )


@bp.route("/team/reallocate", methods=["GET", "POST"])
@requires(Action.PARTICIPANT_ALLOCATE)
def reallocate():
    form = ReallocateCaseloadForm()
    choices = options([("", "Select a VRC")] + [(v.id, v.name) for v in allocation.vrcs_of(g.org.id)])
    form.from_vrc.choices = form.to_vrc.choices = choices
    if form.validate_on_submit():
        try:
            moved = allocation.reallocate_caseload(
                g.org, form.from_vrc.data, form.to_vrc.data, form.reason.data or "", current_user.id
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            cases = f"{moved.moved} open case{'s' if moved.moved != 1 else ''}"
            message = f"{cases} moved to {moved.to_vrc.name}, who has been notified"
            if moved.restricted_left:
                message += (
                    f". {moved.restricted_left} restricted record{'s were' if moved.restricted_left != 1 else ' was'} "
                    "left where they are: ask the Data Protection Officer"
                )
            flash(message, "success")
            return redirect(url_for(".overview"))
    return render_template("caseload/reallocate.html", title="Reallocate a VRC’s caseload", form=form)


@bp.route("/team/research-contacts")
@requires(Action.RESEARCH_CONTACTS_VIEW)
def research_contacts():
    return render_template(
        "caseload/research_contacts.html", title="Research and focus-group contacts", contacts=research.open_list(g.org)
    )


@bp.route("/team/research-contacts.csv", methods=["POST"])
@requires(Action.RESEARCH_CONTACTS_EXPORT)
def research_contacts_csv():
    content, _count = research.export_csv(g.org, current_user.id)
    name = f"research-contacts-{g.org.slug}-{clock.today():%Y-%m-%d}.csv"
    return Response(
        content,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
