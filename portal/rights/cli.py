"""``flask recheck-rights-disclosures``: the one-off check of issue 15, item 2."""

import click

from portal.extensions import db
from portal.rights.rights_disclosure_check import recheck_identity_disclosures


@click.command("recheck-rights-disclosures")
def recheck_rights_disclosures() -> None:
    """Put access packages released and portability exports made before the
    requester's identity was verified on the DPO's review list (safe to run twice)."""

    result = recheck_identity_disclosures()
    click.echo(f"disclosures checked: {result.checked}")
    click.echo(f"added to the DPO's review list: {len(result.raised)}")
    click.echo(f"already on the list: {result.already}")
    db.session.remove()
