"""`flask --app wsgi create-user`: the way to make the first admin in production."""
import click

from portal.permissions import ROLES_BY_KIND
from portal.services import organisations, staff


@click.command("create-user")
@click.argument("email")
@click.option("--org", "slug", required=True, help="Slug of the organisation, e.g. ingeus.")
@click.option("--role", "roles", required=True, multiple=True, help="A role in that organisation; repeat for several.")
@click.option("--name", default=None, help="Full name (default: from the email address).")
@click.option("--position", default="", help="Job title.")
def create_user(email, slug, roles, name, position):
    """Create a staff account and print its single-use invitation link (valid 72 hours)."""
    try:
        email = staff.checked_email(email)
    except staff.StaffError as error:
        raise click.ClickException(error.message)
    org = organisations.by_slug(slug)
    if org is None:
        raise click.ClickException(f"no organisation with the slug {slug!r}")
    allowed = ROLES_BY_KIND[org.kind]
    bad = [r for r in roles if r not in allowed]
    if bad:
        raise click.ClickException(f"{org.slug} ({org.kind}) cannot hold {', '.join(bad)}; "
                                   f"choose from {', '.join(allowed)}")
    if not name:
        local = email.split("@")[0]
        name = " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part)
    try:
        user, token = staff.create_account(org, email=email, name=name, position=position, roles=roles,
                                           actor_id=None, send=False)
    except staff.StaffError as error:
        raise click.ClickException(error.message)
    click.echo(f"created account {user.id} ({user.email}) in {org.slug} with roles {', '.join(roles)}")
    click.echo("invitation link (works once, for 72 hours):")
    click.echo(staff.invitation_url(token))
