"""Background jobs: rq on Redis when REDIS_URL is set, inline otherwise.

    job = jobs.enqueue(build_package, package.id, kind=Action.ACCESS_PACKAGE,
                       org_id=participant.org_id, requested_by=user_id)
    ... the service commits ...
    return redirect(url_for("jobs.show", job_id=job.id), 303)

``enqueue`` stores a ``Job`` row (portal/models/job.py) in the caller's transaction. The
work is handed over only once that transaction commits, so a job never runs for data that
was rolled back:

- **rq** (``REDIS_URL`` set): the job is pushed to the rq queue (JSON serializer, an rq job
  id derived from the row, ``Retry`` with backoff) as the session commits; a worker
  (``flask --app wsgi worker``) runs it.
- **inline** (no ``REDIS_URL``): inside a request the job runs right after the request's
  commit, before the response is sent (so a redirect to its page shows it finished); outside
  a request ``enqueue`` commits and runs it at once. A failure is shown at once (no retries).
- **rq-sync** (the test suite on Redis): as inline, but through rq's synchronous queue.

``config["JOBS_MODE"]`` forces one of the three; by default it follows ``REDIS_URL``.

A job function is a module-level function taking ids and plain JSON values (never ORM
objects). It runs in its own app context, database session and request context (so
``url_for`` works; ``_external=True`` gives PUBLIC_BASE_URL), may call
``set_progress(percent, message)``, and returns a JSON-able value that becomes the job's
result; a dict result with ``"link"`` (a path in the portal) is shown on the job page as a
link (``"link_text"``) and ``"message"`` as text. Whatever the function leaves uncommitted
is committed with the job's success. Jobs run at least once: a job must be safe to run
twice, and a job already done is never run again.
Raise ``jobs.Fail("why")`` for a failure that retrying cannot mend.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, current_app, has_request_context, request
from rq import Retry, get_current_job
from rq.exceptions import DuplicateJobError
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import clock
from portal.actions import Action
from portal.extensions import db
from portal.models.job import UNFINISHED, Job
from portal.permissions import effective_roles

if TYPE_CHECKING:
    from flask_sqlalchemy.session import Session as FlaskSession
    from rq.job import Job as RqJob
    from sqlalchemy.orm import scoped_session
    from werkzeug.local import LocalProxy

    from portal.models import User
from portal.jobs.periodic_jobs import periodic
from portal.jobs.progress import running_job
from portal.jobs.settings import DEFAULT_TIMEOUT, mode, retry_intervals, rq_queue

log = logging.getLogger(__name__)

_PENDING = "portal_jobs_pending"  # session.info: ids added in the open transaction
_READY = "portal_jobs_ready"  # session.info: ids committed, waiting to run inline


class Fail(Exception):
    """A job failure that retrying cannot mend: the job is marked failed at once."""


# --------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class Kind:
    """What a kind of job is called and which roles (besides whoever asked) may see its
    jobs. Roles are those of permissions.ROLES plus ``lead_admin``; a job with an
    ``org_id`` is visible to an owning role held in that organisation, or to a
    service-wide role (``CROSS_ORG_ROLES``) held anywhere."""

    title: str
    roles: tuple[str, ...] = ()


# kind -> Kind (each kind an Action, stored as its string in Job.kind). Later areas add
# theirs here; periodic jobs (below) are added automatically.
KINDS: dict[Action, Kind] = {
    Action.EMAIL: Kind("Send an email", ("lead_admin",)),
    Action.ACCOUNT_PASSWORD_RESET: Kind("Send a password reset link, if the address has an account", ("lead_admin",)),
    Action.REFERRAL_UPLOAD: Kind("Read a CSV file of referrals", ("team_manager",)),
    Action.CONTRACT_REPORT: Kind("Build a monthly contract report", ("contract_manager",)),
    Action.ACCESS_PACKAGE: Kind("Build an access package", ("dpo",)),
    Action.RETENTION_DESTROY: Kind("Destroy the approved records of a destruction list", ("dpo",)),
}

# Roles whose reach is the whole service rather than one organisation.
CROSS_ORG_ROLES = frozenset({"dpo", "contract_manager", "lead_admin", "dwp"})


# ------------------------------------------------------------------- periodic jobs


def kind_of(kind: str) -> Kind:
    found = KINDS.get(cast(Action, kind))  # a StrEnum key is found by its string
    if found:
        return found
    p = periodic(kind)
    if p:
        return Kind(p.title, (p.role,))
    return Kind(kind.replace("-", " ").replace(".", ": ").replace("_", " ").capitalize())


def can_see(job: Job, user: User | None) -> bool:
    """Whoever asked for the job, and the roles that own its kind, may see it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if job.requested_by is not None and job.requested_by == user.id:
        return True
    owners = set(kind_of(job.kind).roles)
    if not owners:
        return False

    held = effective_roles(user)
    if job.org_id is not None:
        held = user.roles_in(job.org_id) | (held & CROSS_ORG_ROLES)
    return bool(held & owners)


# ------------------------------------------------------------------------ settings


def function_path(func: Callable[..., Any] | str) -> str:
    """ "package.module:function" of a module-level function (or that string itself)."""
    if isinstance(func, str):
        path = func
    else:
        if "." in getattr(func, "__qualname__", "") or func.__name__ == "<lambda>":
            raise TypeError("a job function must be a module-level function")
        path = f"{func.__module__}:{func.__name__}"
    if ":" not in path:
        raise ValueError(f"job function {path!r} must be written 'package.module:function'")
    resolve(path)  # fail now, in the caller, not later in a worker
    return path


def resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def enqueue(
    func: Callable[..., Any] | str,
    *ids: object,
    kind: Action,
    org_id: int | None = None,
    requested_by: int | None = None,
    _dedupe_key: str | None = None,
    _mode: str | None = None,
) -> Job:
    """Store a Job for ``func(*ids)`` and hand it over once the caller's transaction
    commits (inside a request); outside a request (and outside a running job) the session
    is committed here. Returns the Job row."""
    try:
        args = json.loads(json.dumps(list(ids)))
    except TypeError as error:
        raise TypeError(f"job arguments must be ids or plain JSON values: {error}") from None
    job = Job(
        kind=kind,
        function=function_path(func),
        args=args,
        org_id=org_id,
        requested_by=requested_by,
        status="queued",
        progress=0,
        progress_message="",
        attempts=0,
        dedupe_key=_dedupe_key,
        created_at=clock.now(),
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append((job.id, job.rq_id, _mode or mode()))
    if not in_request() and running_job.get() is None:
        db.session.commit()
        drain(db.session)
        db.session.refresh(job)  # an inline job ran in a session of its own
    return job


def in_request() -> bool:
    """Whether a request is being handled (not merely a request context pushed by a
    script, a job or a test, which count as "outside a request")."""
    return has_request_context() and getattr(request, "portal_jobs_request", False)


def run_by_hand(func: Callable[..., Any] | str, *ids: object, kind: Action, requested_by: int | None = None) -> Job:
    """Run a job here and now whatever the mode (``flask run-periodic``): a Job row all
    the same, so its run is recorded like any other."""
    return enqueue(func, *ids, kind=kind, requested_by=requested_by, _mode="inline")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ready = session.info.setdefault(_READY, [])
    for job_id, rq_id, how in pending:
        if how == "rq":
            _dispatch_safely(job_id, rq_id)
        else:
            ready.append((job_id, rq_id, how))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _dispatch_safely(job_id: int, rq_id: str) -> None:
    """Push to rq; if Redis is down the row stays queued and reconcile() hands it over
    later (a committed request must not turn into an error page)."""
    try:
        dispatch(job_id, rq_id)
    except Exception:  # noqa: BLE001 - logged; the Job row is still queued
        log.exception("could not hand job %s to rq; reconcile will retry", job_id)


def dispatch(job_id: int, rq_id: str, is_async: bool = True) -> bool:
    """Hand Job ``job_id`` to rq under its deterministic id. Returns False when rq holds
    that job already (dispatching twice is one rq job)."""

    intervals = retry_intervals()
    queue = rq_queue(is_async=is_async)
    try:
        queue.enqueue_call(
            "portal.jobs.perform",
            args=[job_id],
            job_id=rq_id,
            timeout=current_app.config.get("JOBS_TIMEOUT") or DEFAULT_TIMEOUT,
            retry=Retry(max=len(intervals), interval=intervals) if intervals and is_async else None,
            result_ttl=3600 if is_async else 0,
            failure_ttl=7 * 24 * 3600 if is_async else 60,
            description=f"portal job {job_id}",
            unique=is_async,
        )
    except DuplicateJobError:
        return False
    return True


def drain(session: scoped_session[FlaskSession] | None = None) -> None:
    """Run the committed inline jobs of ``session`` (jobs they enqueue run after them)."""
    session = session if session is not None else db.session
    while True:
        ready = session.info.get(_READY)
        if not ready:
            return
        job_id, rq_id, how = ready.pop(0)
        try:
            if how == "rq-sync":
                dispatch(job_id, rq_id, is_async=False)
            else:
                execute(job_id)
        except Exception as error:  # noqa: BLE001 - the job must not stay "queued" unseen
            log.exception("inline job %s could not be run", job_id)
            _record_failure_apart(job_id, describe(error))


def _record_failure_apart(job_id: int, message: str) -> None:
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    try:
        with app.app_context():
            record_failure(job_id, message, final=True)
            db.session.remove()
    except Exception:  # noqa: BLE001 - the database itself is failing: logged above
        log.exception("could not record the failure of job %s", job_id)


def init_app(app: Flask) -> None:
    """Inline jobs of a request run once it is over (after the session interface's own
    commit, too), before the response is handed to the server."""

    @app.url_value_preprocessor  # runs before every before_request hook, which may answer early
    def _mark_request(endpoint: str | None, values: dict[str, Any] | None) -> None:
        setattr(request, "portal_jobs_request", True)  # our own flag: not an attribute Request declares

    @app.teardown_request
    def _run_inline_jobs(error: BaseException | None = None) -> None:
        if db.session.info.get(_READY):
            drain(db.session)


# -------------------------------------------------------------------------- runner


def perform(job_id: int) -> None:
    """rq's entry point (``portal.jobs.perform``): run Job ``job_id``."""

    rq_job = get_current_job()
    is_async = bool(rq_job and rq_job.origin and rq_job.worker_name not in (None, "", "sync"))
    execute(job_id, rq_job=rq_job if is_async else None)


def execute(job_id: int, rq_job: RqJob | None = None) -> str | None:
    """Run one job in a fresh app context, session and request context. Returns its final
    status, or None when there was nothing to run (missing, done or failed already).
    With ``rq_job`` (a real worker) a failure is re-raised so rq retries it."""
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    base_url = app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    with app.app_context(), app.test_request_context("/", base_url=base_url):
        try:
            return _execute(job_id, rq_job)
        finally:
            db.session.remove()


def _execute(job_id: int, rq_job: RqJob | None) -> str | None:
    job = db.session.get(Job, job_id)
    if job is None or job.status not in UNFINISHED:
        return None  # done jobs are not run again; failed ones stay failed
    job.status = "running"
    job.attempts += 1
    job.started_at = clock.now()
    job.error = None
    db.session.commit()
    token = running_job.set(job_id)
    try:
        func = resolve(job.function)
        result = func(*job.args)
        result = json.loads(json.dumps(result)) if result is not None else None
        job = db.session.get(Job, job_id)
        assert job is not None  # the row was read and committed above
        job.status = "done"
        job.progress = 100
        job.result = result
        job.finished_at = clock.now()
        db.session.commit()
        status: str | None = "done"
    except Exception as error:  # noqa: BLE001 - every failure is recorded, then re-raised for rq
        db.session.rollback()
        log.warning("job %s failed", job_id, exc_info=True)
        final = isinstance(error, Fail) or rq_job is None or not (rq_job.retries_left or 0) > 0
        status = record_failure(job_id, describe(error), final=final)
        if rq_job is not None and not isinstance(error, Fail):
            raise
    finally:
        running_job.reset(token)
    drain(db.session)  # jobs this one enqueued (inline modes)
    return status


def describe(error: BaseException) -> str:
    if isinstance(error, Fail):
        return str(error)[:1000]
    text = str(error)
    return (f"{type(error).__name__}: {text}" if text else type(error).__name__)[:1000]


def record_failure(job_id: int, message: str, final: bool, only_if_running: bool = False) -> str | None:
    """Mark a job failed (``final``) or retrying, with its error. Used by the runner, by the
    worker when a work-horse dies and by the reaper for abandoned jobs."""
    job = db.session.get(Job, job_id)
    if job is None or job.status not in UNFINISHED:
        return None
    if only_if_running and job.status != "running":
        return None
    job.status = "failed" if final else "retrying"
    job.error = message[:1000]
    if final:
        job.finished_at = clock.now()
    db.session.commit()
    return job.status


# ------------------------------------------------------------------ inside a job
