"""Flask CLI commands: seed-demo, audit-verify, and those later areas add."""

import json
import sys

import click
from flask import Flask, current_app

from portal import audit, demo
from portal.accounts.cli import create_user
from portal.consent.cli import recheck_consent_disclosures
from portal.extensions import db
from portal.jobs.cli import run_periodic, scheduler, worker
from portal.rights.cli import recheck_rights_disclosures


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
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
