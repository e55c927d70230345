"""Job pages: one job's status and progress, and the periodic jobs a role owns."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portal import jobs
from portal.actions import Action
from portal.jobs import pages as job_pages
from portal.jobs import settings
from portal.permissions import requires
from portal.tenancy import refuse

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

REFRESH_SECONDS = 3


@bp.route("/<int:job_id>")
@requires(Action.JOBS_VIEW)
def show(job_id):
    job = job_pages.visible_job(job_id, current_user)
    if job is None:
        refuse(404, object_type="job", object_id=str(job_id))
    refreshing = not job.finished and request.args.get("refresh") != "off"
    return render_template(
        "jobs/show.html",
        job=job,
        kind=jobs.kind_of(job.kind),
        link=safe_link(job.link),
        refresh=REFRESH_SECONDS if refreshing else None,
        max_attempts=settings.max_attempts(),
    )


@bp.route("/periodic")
@requires(Action.JOBS_PERIODIC)
def periodic():
    return render_template("jobs/periodic.html", rows=job_pages.periodic_for(current_user))


@bp.route("/periodic/<name>/run", methods=["POST"])
@requires(Action.JOBS_PERIODIC)
def run_periodic(name):
    job = job_pages.run_now(name, current_user)
    if job is None:
        refuse(404, object_type="periodic_job", object_id=name[:60])
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


def safe_link(link: str | None) -> str | None:
    """Only links into the portal are shown (a path, not another site's address)."""
    if not link:
        return None
    if link.startswith("/") and not link.startswith("//"):
        return link

    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    if base and link.startswith(base + "/"):
        return link
    return None
