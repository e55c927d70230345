"""permissions: one role → action table and one decorator, failing closed."""

import pytest
from flask import g
from flask_login import AnonymousUserMixin, login_user
from werkzeug.exceptions import Forbidden, Unauthorized

from portal import permissions
from portal.permissions import ACTIONS, ROLES, allowed, effective_roles, requires


@pytest.fixture
def actions(monkeypatch):
    """Test-only actions, removed again after the test."""
    for name, roles in {
        "test.admin": {"admin"},
        "test.lead_admin": {"lead_admin"},
        "test.vrc": {"vrc"},
        "test.nobody": set(),
    }.items():
        monkeypatch.setitem(ACTIONS, name, frozenset(roles))


@pytest.fixture
def orgs(make):
    return make.org("ingeus", kind="lead"), make.org("h2e"), make.org("salus")


def test_every_action_names_known_roles():
    known = set(ROLES) | {"lead_admin"}
    for action, roles in ACTIONS.items():
        assert roles, f"{action} is allowed to nobody"
        assert roles <= known, f"{action}: unknown roles {set(roles) - known}"


def test_an_unknown_action_fails_at_decoration():
    with pytest.raises(LookupError, match="no.such.action"):
        requires("no.such.action")


def test_an_unknown_action_is_never_allowed(orgs, make):
    user = make.user(orgs[1], roles=list(permissions.ROLES_BY_KIND["delivery"]))
    assert not allowed("no.such.action", user)
    assert not allowed("no.such.action", user, orgs[1])


def test_no_user_is_refused(app_ctx, actions):
    assert effective_roles(AnonymousUserMixin()) == frozenset()
    assert not allowed("home.view", AnonymousUserMixin())


def test_a_user_without_membership_is_refused(make, orgs, actions):
    loner = make.user(None)
    assert effective_roles(loner) == frozenset()
    assert not allowed("home.view", loner)
    assert not allowed("org.view", loner, orgs[1])


def test_on_an_organisations_urls_only_its_roles_count(make, orgs, actions):
    _, h2e, salus = orgs
    user = make.user(h2e, roles=["vrc"])
    make_membership(user, salus, "admin")
    assert allowed("test.vrc", user, h2e) and not allowed("test.admin", user, h2e)
    assert allowed("test.admin", user, salus) and not allowed("test.vrc", user, salus)
    # On fixed URLs every role held counts.
    assert allowed("test.vrc", user) and allowed("test.admin", user)


def make_membership(user, org, role):
    from portal.extensions import db
    from portal.models import Membership

    db.session.add(Membership(user_id=user.id, org_id=org.id, role=role))
    db.session.commit()
    db.session.refresh(user)


def test_lead_admin_is_admin_held_in_the_lead_partner(make, orgs, actions):
    ingeus, h2e, _ = orgs
    lead_admin = make.user(ingeus, roles=["admin"])
    delivery_admin = make.user(h2e, roles=["admin"])
    lead_vrc = make.user(ingeus, roles=["vrc"])
    assert "lead_admin" in effective_roles(lead_admin)
    assert allowed("test.lead_admin", lead_admin)
    assert "lead_admin" not in effective_roles(delivery_admin)
    assert not allowed("test.lead_admin", delivery_admin)
    assert not allowed("test.lead_admin", lead_vrc)
    # On an organisation's URLs the pseudo-role does not exist: only roles held there.
    assert not allowed("test.lead_admin", lead_admin, ingeus)
    assert not allowed("test.admin", lead_admin, h2e)


def test_an_action_allowed_to_nobody_is_refused_to_everyone(make, orgs, actions):
    ingeus = orgs[0]
    everything = make.user(ingeus, roles=list(permissions.ROLES_BY_KIND["lead"]))
    assert not allowed("test.nobody", everything)
    assert not allowed("test.nobody", everything, ingeus)


def test_the_decorator_refuses_anonymous_with_401(app, orgs, actions):
    @requires("test.vrc")
    def view():
        return "ran"

    with app.test_request_context("/h2e/"), pytest.raises(Unauthorized):
        view()
    assert view.permission == "test.vrc"


def test_the_decorator_refuses_a_missing_role_with_403_and_runs_for_the_right_one(app, make, orgs, actions):
    _, h2e, salus = orgs
    vrc = make.user(h2e, roles=["vrc"])

    @requires("test.vrc")
    def vrc_view():
        return "ran"

    @requires("test.admin")
    def admin_view():
        return "ran"

    with app.test_request_context("/h2e/"):
        login_user(vrc)
        g.org = h2e
        assert vrc_view() == "ran"
        with pytest.raises(Forbidden):
            admin_view()
    with app.test_request_context("/salus/"):
        login_user(vrc)
        g.org = salus  # (membership is checked before this, by the org blueprint)
        with pytest.raises(Forbidden):
            vrc_view()


def test_can_in_templates_uses_the_request_organisation(app, make, orgs, actions):
    _, h2e, salus = orgs
    user = make.user(h2e, roles=["vrc"])
    make_membership(user, salus, "admin")
    with app.test_request_context("/h2e/"):
        login_user(user)
        g.org = h2e
        assert permissions.can("test.vrc") and not permissions.can("test.admin")
    with app.test_request_context("/"):
        login_user(user)
        g.pop("org")  # the test's app context outlives the request; real requests start afresh
        assert permissions.can("test.vrc") and permissions.can("test.admin")
