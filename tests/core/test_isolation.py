"""The suite's own isolation (tests/support/database.py): what a test commits, through a
service or a request, is gone when its rolled-back block ends; a nested block is a
savepoint of the outer one."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Organisation
from tests.support import database


def _orgs(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Organisation.slug)))


def test_commits_inside_a_block_are_undone_when_it_ends(app, make):
    make.org("outer-probe")
    with database.rolled_back(app):
        make.org("inner-probe")  # commits (a savepoint released)
        db.session.commit()
        assert _orgs(app) >= {"outer-probe", "inner-probe"}  # another session sees both
    assert "inner-probe" not in _orgs(app)
    assert "outer-probe" in _orgs(app)


def test_a_request_commits_into_the_tests_transaction(app, login, make):
    org = make.org("h2e")
    vrc = make.user(org, ["vrc"])
    client = login(vrc)
    assert client.get("/h2e/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_no_test_sees_another_tests_rows(app):
    assert not {"outer-probe", "inner-probe", "h2e"} & _orgs(app)
