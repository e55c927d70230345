"""CLI commands for background jobs: worker, scheduler, run-periodic."""

from typing import TYPE_CHECKING, cast

import click
from flask import Flask, current_app

from portal import clock, jobs
from portal.extensions import db
from portal.jobs import periodic_jobs, schedule, settings
from portal.jobs.worker import run_worker

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then stop (tests, one-off catch-up).")
@click.option("--queue", "queue_name", default=None, help="Queue to work on (default: JOBS_QUEUE, 'portal').")
@click.option("--no-scheduler", is_flag=True, help="Do not move retries that are due back to the queue.")
def worker(burst: bool, queue_name: str | None, no_scheduler: bool) -> None:
    """Run an rq worker for the portal's jobs (needs REDIS_URL)."""
    if settings.mode() != "rq":
        raise click.ClickException("the worker needs REDIS_URL: without Redis, jobs run inline")

    run_worker(queue_name, burst=burst, with_scheduler=not no_scheduler)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue what is due now (catching up the last hour), then stop.")
def scheduler(once: bool) -> None:
    """Enqueue the periodic jobs (portal.jobs.periodic_jobs.PERIODIC) on time, Europe/London."""

    if once:
        for job in schedule.tick(clock.now() - schedule.catch_up_window(current_app)):
            click.echo(f"enqueued {job.kind} as job {job.id}")
        db.session.remove()
        return
    schedule.run_forever(cast("LocalProxy[Flask]", current_app)._get_current_object(), echo=click.echo)


@click.command("run-periodic")
@click.argument("name")
def run_periodic(name: str) -> None:
    """Run one periodic job here and now, by name (the names are in portal.jobs.periodic_jobs.PERIODIC)."""
    p = periodic_jobs.periodic(name)
    if p is None:
        names = ", ".join(p.name for p in periodic_jobs.PERIODIC)
        raise click.ClickException(f"no periodic job {name!r}; there are: {names}")
    job = jobs.run_by_hand(p.function, kind=p.name)
    db.session.refresh(job)
    click.echo(f"job {job.id} {p.name}: {job.status}")
    if job.result is not None:
        message = job.result.get("message") if isinstance(job.result, dict) else None
        click.echo(message or str(job.result))
    db.session.remove()
    if job.status != "done":
        raise click.ClickException(job.error or "the job did not finish")
