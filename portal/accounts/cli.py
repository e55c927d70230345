"""`flask --app wsgi create-user`: the way to make the first admin in production."""

import click

from portal import tenancy
from portal.accounts import invitations, organisations, staff
from portal.accounts.auth import find_user_by_email
from portal.permissions import ROLES_BY_KIND


@click.command("create-user")
@click.argument("email")
@click.option("--org", "slug", required=True, help="Slug of the organisation, e.g. ingeus.")
@click.option("--role", "roles", required=True, multiple=True, help="A role in that organisation; repeat for several.")
@click.option("--name", default=None, help="Full name (default: from the email address).")
@click.option("--position", default="", help="Job title.")
@click.option(
    "--org-name",
    default=None,
    help="Create the organisation, with this name, when no organisation has the slug "
    "(a fresh production database has none).",
)
@click.option(
    "--org-kind",
    type=click.Choice(["lead", "delivery", "commissioner"]),
    default="lead",
    show_default=True,
    help="Kind of the organisation --org-name creates (the commissioner's slug is dwp).",
)
def create_user(
    email: str, slug: str, roles: tuple[str, ...], name: str | None, position: str, org_name: str | None, org_kind: str
) -> None:
    """Create a staff account and print its single-use invitation link (valid 72 hours)."""
    try:
        email = staff.checked_email(email)
    except staff.StaffError as error:
        raise click.ClickException(error.message) from error
    org = tenancy.organisation_by_slug(slug)
    if org is None and not org_name:
        raise click.ClickException(
            f"no organisation with the slug {slug!r}; on a fresh database add "
            "--org-name NAME to create it (the lead partner, or --org-kind delivery)"
        )
    if org is not None and org_name:
        raise click.ClickException(f"{org.slug} exists already ({org.name}): leave out --org-name")
    kind = org.kind if org is not None else org_kind
    allowed = ROLES_BY_KIND[kind]
    bad = [r for r in roles if r not in allowed]
    if bad:
        raise click.ClickException(f"{slug} ({kind}) cannot hold {', '.join(bad)}; choose from {', '.join(allowed)}")
    if org is None:
        assert org_name  # without an organisation, --org-name was required above
        if find_user_by_email(email) is not None:  # checked before the organisation is made
            raise click.ClickException("An account with this email address already exists")
        try:
            if org_kind == "commissioner":
                org = organisations.create_commissioner(org_name, slug, actor_id=None)
            else:
                org = organisations.create_organisation(org_name, slug, org_kind, actor_id=None)
        except organisations.OrganisationProblem as problem:
            raise click.ClickException(problem.message) from problem
        click.echo(f"created organisation {org.slug} ({org.name}, {org.kind})")
    if not name:
        local = email.split("@")[0]
        name = " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part)
    try:
        user, token = staff.create_account(
            org, email=email, name=name, position=position, roles=roles, actor_id=None, send=False
        )
    except staff.StaffError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created account {user.id} ({user.email}) in {org.slug} with roles {', '.join(roles)}")
    click.echo("invitation link (works once, for 72 hours):")
    click.echo(invitations.invitation_url(token))
