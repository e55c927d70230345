"""scoped_get / scoped_select: the only way to fetch organisation-owned rows.

Membership rows carry an org_id, so they stand in here for the participant rows
later areas add; a miss and another organisation's row answer the same 404.
"""

import pytest
from flask import g
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from portal.extensions import db
from portal.models import AuditEvent, Membership
from portal.tenancy import scoped_get, scoped_select


@pytest.fixture
def two_orgs(make):
    home, other = make.org("h2e"), make.org("salus")
    mine = make.user(home, roles=["vrc", "admin"])
    theirs = make.user(other, roles=["vrc"])
    own_row = db.session.scalars(scoped_select(Membership, home).where(Membership.user_id == mine.id)).first()
    other_row = db.session.scalars(scoped_select(Membership, other).where(Membership.user_id == theirs.id)).one()
    return home, other, own_row, other_row


def test_scoped_get_finds_a_row_of_the_organisation(two_orgs):
    home, _, own_row, _ = two_orgs
    assert scoped_get(Membership, own_row.id, home) is own_row
    assert scoped_get(Membership, str(own_row.id), home) is own_row


def test_another_organisations_row_is_not_found(two_orgs):
    home, other, own_row, other_row = two_orgs
    with pytest.raises(NotFound):
        scoped_get(Membership, other_row.id, home)
    with pytest.raises(NotFound):
        scoped_get(Membership, own_row.id, other)
    refused = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access.refused.404").order_by(AuditEvent.seq)
    ).all()
    assert [(e.org_id, e.object_type, e.object_id) for e in refused] == [
        (home.id, "membership", str(other_row.id)),
        (other.id, "membership", str(own_row.id)),
    ]


@pytest.mark.parametrize("bad_id", [None, "", "abc", "1 OR 1=1", 10**9, 2**63])
def test_missing_and_malformed_ids_are_not_found(two_orgs, bad_id):
    home = two_orgs[0]
    with pytest.raises(NotFound):
        scoped_get(Membership, bad_id, home)


def test_scoped_select_returns_only_the_organisations_rows(two_orgs):
    home, other, _, _ = two_orgs
    assert {m.org_id for m in db.session.scalars(scoped_select(Membership, home))} == {home.id}
    assert len(db.session.scalars(scoped_select(Membership, home)).all()) == 2
    assert {m.org_id for m in db.session.scalars(scoped_select(Membership, other))} == {other.id}


def test_the_request_organisation_is_the_default(app, two_orgs):
    home, _, own_row, other_row = two_orgs
    with app.test_request_context("/h2e/"):
        g.org = home
        assert scoped_get(Membership, own_row.id) is own_row
        with pytest.raises(NotFound):
            scoped_get(Membership, other_row.id)
        assert {m.org_id for m in db.session.scalars(scoped_select(Membership))} == {home.id}
