"""flask create-user: the first admin in production gets an account and a printed link."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Membership, OutboxMessage, User


def test_create_user_prints_an_invitation_link(app, make):
    make.org("ingeus", kind="lead", name="Ingeus UK")
    result = app.test_cli_runner().invoke(
        args=["create-user", "First.Admin@ingeus.example", "--org", "ingeus", "--role", "admin", "--role", "dpo"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "first.admin@ingeus.example")).one()
    assert user.name == "First Admin"
    assert sorted(db.session.scalars(select(Membership.role).where(Membership.user_id == user.id))) == ["admin", "dpo"]
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://portal.test/account/invitation/")
    assert db.session.scalars(select(OutboxMessage)).all() == []  # printed, not emailed
    assert app.test_client().get(link.removeprefix("http://portal.test")).status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.created")).one()
    assert event.user_id is None and event.object_id == str(user.id)


def test_create_user_refuses_bad_input(app, make):
    make.org("h2e")
    make.user(make.org("h2e"), email="taken@example.test")
    runner = app.test_cli_runner()
    for args, message in (
        (["create-user", "x@example.test", "--org", "nowhere", "--role", "vrc"], "no organisation"),
        (["create-user", "x@example.test", "--org", "h2e", "--role", "dpo"], "cannot hold dpo"),
        (["create-user", "not-an-email", "--org", "h2e", "--role", "vrc"], "correct format"),
        (["create-user", "taken@example.test", "--org", "h2e", "--role", "vrc"], "already exists"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert db.session.scalars(select(User).where(User.email == "x@example.test")).first() is None


def test_on_a_fresh_database_create_user_makes_the_lead_partner_too(app, app_ctx):
    from portal.models import Organisation

    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "first.admin@ingeus.example",
            "--org",
            "ingeus",
            "--role",
            "admin",
            "--org-name",
            "Ingeus UK",
        ]
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalars(select(Organisation)).one()
    assert (org.slug, org.name, org.kind) == ("ingeus", "Ingeus UK", "lead")
    user = db.session.scalars(select(User)).one()
    assert user.roles_in(org.id) == {"admin"}
    assert result.output.strip().splitlines()[-1].startswith("http://portal.test/account/invitation/")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[0] == "organisation.created" and "staff.created" in actions


def test_create_user_makes_no_organisation_when_it_refuses(app, make):
    from portal.models import Organisation

    make.org("h2e")
    make.user(make.org("h2e"), email="taken@example.test")
    runner = app.test_cli_runner()
    for args, message in (
        (["create-user", "x@example.test", "--org", "dpo", "--role", "admin", "--org-name", "DPO"], "reserved"),
        (
            ["create-user", "x@example.test", "--org", "new-lead", "--role", "dwp", "--org-name", "New"],
            "cannot hold dwp",
        ),
        (
            ["create-user", "taken@example.test", "--org", "new-lead", "--role", "admin", "--org-name", "New"],
            "already exists",
        ),
        (["create-user", "x@example.test", "--org", "h2e", "--role", "vrc", "--org-name", "H2E"], "exists already"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert db.session.scalars(select(Organisation.slug)).all() == ["h2e"]
    assert db.session.scalars(select(User).where(User.email == "x@example.test")).first() is None


def test_create_user_makes_the_commissioner_once(app, app_ctx):
    from portal.models import Organisation

    runner = app.test_cli_runner()
    wrong_slug = runner.invoke(
        args=[
            "create-user",
            "a@dwp.example",
            "--org",
            "commissioner",
            "--role",
            "dwp",
            "--org-name",
            "Department for Work and Pensions",
            "--org-kind",
            "commissioner",
        ]
    )
    assert wrong_slug.exit_code != 0 and "slug is dwp" in wrong_slug.output
    result = runner.invoke(
        args=[
            "create-user",
            "a@dwp.example",
            "--org",
            "dwp",
            "--role",
            "dwp",
            "--org-name",
            "Department for Work and Pensions",
            "--org-kind",
            "commissioner",
        ]
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalars(select(Organisation)).one()
    assert (org.slug, org.kind) == ("dwp", "commissioner")
    assert db.session.scalars(select(User)).one().roles_in(org.id) == {"dwp"}
    again = runner.invoke(
        args=[
            "create-user",
            "b@dwp.example",
            "--org",
            "dwp",
            "--role",
            "dwp",
            "--org-name",
            "DWP",
            "--org-kind",
            "commissioner",
        ]
    )
    assert again.exit_code != 0 and "exists already" in again.output
