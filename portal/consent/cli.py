"""``flask recheck-consent-disclosures``: the one-off check of issue 15, item 1."""

import click

from portal.consent.consent_recheck import recheck_consent_disclosures as recheck
from portal.extensions import db


@click.command("recheck-consent-disclosures")
def recheck_consent_disclosures() -> None:
    """Put every disclosure that relied on a consent the corrected rule says was not
    live at the time on the DPO's review list as a possible breach (audited; safe to
    run twice: nothing is added twice)."""

    result = recheck()
    click.echo(f"disclosures relying on a consent checked: {result.checked}")
    click.echo(
        f"relied on a consent that was not live: {len(result.not_live)}"
        + (f" (disclosure ids {', '.join(map(str, result.not_live))})" if result.not_live else "")
    )
    click.echo(f"added to the DPO's review list: {len(result.raised)}")
    click.echo(f"already on the list: {result.already}")
    db.session.remove()
