"""Flask CLI commands: seed-demo, audit-verify, and those later areas add."""

import json
import sys

import click
from flask import Flask, current_app

from portal import audit, demo
from portal.accounts.cli import create_user
from portal.consent.cli import recheck_consent_disclosures
from portal.demo import scale
from portal.extensions import db
from portal.jobs.cli import run_periodic, scheduler, worker
from portal.rights.cli import recheck_rights_disclosures


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(audit_verify)

    app.cli.add_command(worker)
    app.cli.add_command(scheduler)
    app.cli.add_command(run_periodic)
    app.cli.add_command(create_user)

    app.cli.add_command(recheck_consent_disclosures)

    app.cli.add_command(recheck_rights_disclosures)


@click.command("seed-demo")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the demo accounts here.")
def seed_demo(json_path: str | None) -> None:
    """Create the demo organisations, staff and participants (never in production)."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run when PORTAL_ENV=production")

    doc = demo.seed()
    if json_path:
        with open(json_path, "w") as fh:
            json.dump(doc, fh, indent=2, default=str)
    click.echo(f"demo data ready: {len(doc['accounts'])} accounts")


@click.command("seed-scale")
@click.option("--participants", type=click.IntRange(min=1), required=True, help="How many participants to add.")
@click.option("--notes-per-participant", type=click.IntRange(min=0), default=10, show_default=True)
@click.option("--audit-events", type=click.IntRange(min=0), default=None, help="Default: 20 a participant.")
@click.option("--heavy-notes", type=click.IntRange(min=0), default=0, help="Notes of each of 5 heavy participants.")
def seed_scale_command(
    participants: int, notes_per_participant: int, audit_events: int | None, heavy_notes: int
) -> None:
    """Add data at the size of the service, for benchmarks (never in production)."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-scale refuses to run when PORTAL_ENV=production")
    found = scale.seed_scale(
        participants, notes_per_participant, audit_events, heavy_notes, progress=lambda message: click.echo(message)
    )
    click.echo(
        f"added {found.participants} participants ({found.closed} closed), {found.vrcs} VRCs, {found.notes} notes, "
        f"{found.appointments} appointments, {found.audit_events} audit events; heavy: {found.heavy_participant_ids}"
    )


@click.command("audit-verify")
def audit_verify() -> None:
    """Recompute the audit chain; exit non-zero naming the first event that fails."""

    result = audit.verify_and_log()
    click.echo(f"events verified: {result.count}")
    click.echo(f"head: {result.head_seq or 0} {result.head_hash or '-'}")
    if not result.ok:
        click.echo(f"FAILED: {result.message}", err=True)
        sys.exit(1)
    click.echo("OK: " + result.message)
    db.session.remove()
