"""Reactivating a deactivated account: the lead admin, or that organisation's admin."""

import pytest
from sqlalchemy import select

from portal.accounts import reactivation, staff
from portal.extensions import db
from portal.models import Membership, Notification, User
from tests.factories import sign_in
from tests.lifecycle.helpers import events, post_form, world


def _deactivated(w, user=None):
    user = db.session.get(User, (user or w.vrc).id)
    staff.deactivate(w.h2e, user, db.session.get(User, w.lead_admin.id))
    return user


def _path(user, slug="h2e"):
    return f"/admin/{slug}/staff/{user.id}/reactivate"


def test_the_organisations_admin_reactivates(app, make):
    w = world(make)
    user = _deactivated(w)
    client = app.test_client()
    sign_in(client, w.admin)
    member_page = client.get(f"/admin/h2e/staff/{user.id}").get_data(as_text=True)
    assert f'href="{_path(user)}"' in member_page  # "Reactivate this account" on the staff page
    page = client.get(_path(user))
    assert page.status_code == 200 and "Reactivate account" in page.get_data(as_text=True)
    response = post_form(client, _path(user), {})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/h2e/staff/{user.id}"
    db.session.expire_all()
    assert db.session.get(User, user.id).active
    event = events("staff.reactivated")[0]
    assert (event.object_id, event.user_id, event.org_id) == (str(user.id), w.admin.id, w.h2e.id)
    assert db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == "staff.reactivated")
    ).one()
    # They can sign in again.
    fresh = app.test_client()
    sign_in(fresh, user)
    assert fresh.get("/").status_code == 200


def test_roles_elsewhere_need_the_lead_admin(app, make):
    w = world(make)
    user = db.session.get(User, w.vrc.id)
    db.session.add(Membership(user_id=user.id, org_id=w.salus.id, role="vrc"))
    db.session.commit()
    _deactivated(w, user)
    client = app.test_client()
    sign_in(client, w.admin)
    assert "Ask the lead administrator" in client.get(_path(user)).get_data(as_text=True)
    response = post_form(client, _path(user), {})
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True)
    assert not db.session.get(User, user.id).active
    lead = app.test_client()
    sign_in(lead, w.lead_admin)
    assert post_form(lead, _path(user, "salus"), {}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).active


def test_refusals(app, make):
    w = world(make)
    with pytest.raises(reactivation.ReactivationRefused, match="already active"):
        reactivation.reactivate(w.h2e, w.vrc, w.admin)
    user = _deactivated(w)
    outsider = app.test_client()
    sign_in(outsider, w.salus_admin)
    assert outsider.get(_path(user)).status_code == 404
    assert outsider.get(_path(user, "salus")).status_code == 404
    vrc = app.test_client()
    sign_in(vrc, make.user(w.h2e, ["vrc"]))
    assert vrc.get(_path(user)).status_code == 403
    admin = app.test_client()
    sign_in(admin, w.admin)
    assert admin.post(_path(user), data={}).status_code == 400  # no CSRF token
    assert not db.session.get(User, user.id).active
    assert admin.get(_path(db.session.get(User, w.admin.id))).status_code == 403  # oneself


def test_an_account_never_set_up_is_reactivated_for_a_new_invitation(app, make):
    w = world(make)
    user, _token = staff.create_account(
        w.h2e, email="new.person@example.test", name="New Person", position="VRC", roles=["vrc"], actor_id=w.admin.id
    )
    staff.deactivate(w.h2e, user, db.session.get(User, w.admin.id))
    client = app.test_client()
    sign_in(client, w.admin)
    assert "send them a new" in client.get(_path(user)).get_data(as_text=True)
    response = post_form(client, _path(user), {})
    assert response.status_code == 303
    assert "send them a new invitation" in client.get(response.headers["Location"]).get_data(as_text=True)
    # No "you can sign in again" notification for an account that cannot sign in yet.
    assert not db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == "staff.reactivated")
    ).all()
