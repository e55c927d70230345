"""flask create-user: the first admin in production gets an account and a printed link."""
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Membership, OutboxMessage, User


def test_create_user_prints_an_invitation_link(app, make):
    make.org("ingeus", kind="lead", name="Ingeus UK")
    result = app.test_cli_runner().invoke(args=[
        "create-user", "First.Admin@ingeus.example", "--org", "ingeus", "--role", "admin", "--role", "dpo"])
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
