"""/<org>/: the organisation's home for its members; 404 for everyone else."""

from portal.extensions import db
from portal.models import Membership
from tests.audit.helpers import events
from tests.factories import sign_in


def test_members_see_the_name_their_roles_and_the_staff_list(client, make):
    home = make.org("h2e", name="Health 2 Employment")
    other = make.org("salus", name="Salus")
    me = make.user(home, roles=["vrc", "team_manager"], name="Avery Member", position="Senior VRC")
    make.user(home, roles=["ooh"], name="Blake Colleague", position="Out-of-hours adviser")
    make.user(home, roles=["vrc"], name="Casey Departed").active = False
    db.session.commit()
    make.user(other, roles=["vrc"], name="Drew Elsewhere")
    make.user(other, roles=["admin"], name="Also Avery")  # another org's staff
    sign_in(client, me)
    response = client.get("/h2e/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Health 2 Employment" in body
    assert "team manager, vrc" in body  # your roles here
    for text in ("Avery Member", "Senior VRC", "Blake Colleague", "Out-of-hours adviser"):
        assert text in body
    assert "Casey Departed" not in body  # deactivated staff are not listed
    assert "Drew Elsewhere" not in body and "Also Avery" not in body


def test_only_roles_held_in_this_organisation_are_shown(client, make):
    home, other = make.org("h2e"), make.org("salus")
    me = make.user(home, roles=["vrc"])
    db.session.add(Membership(user_id=me.id, org_id=other.id, role="admin"))
    db.session.commit()
    sign_in(client, me)
    body = client.get("/h2e/").get_data(as_text=True)
    assert "Your roles here" in body
    roles_cell = body.split("Your roles here", 1)[1].split("</dd>", 1)[0]
    assert "vrc" in roles_cell and "admin" not in roles_cell
    assert client.get("/salus/").status_code == 200  # a member there too


def test_a_non_member_gets_404_and_the_refusal_is_audited(client, make):
    make.org("h2e")
    salus = make.org("salus")
    outsider = make.user(salus, roles=["vrc", "admin"])
    sign_in(client, outsider)
    assert client.get("/h2e/").status_code == 404
    [refusal] = events("access.refused.404")
    assert refusal.user_id == outsider.id


def test_unknown_and_non_casework_organisations_are_404(client, make):
    commissioner = make.org("nhs-commission", kind="commissioner")
    member = make.user(commissioner, roles=["admin"])
    sign_in(client, member)
    assert client.get("/nhs-commission/").status_code == 404  # no casework URLs
    assert client.get("/no-such-org/").status_code == 404


def test_lead_roles_give_no_reach_into_a_delivery_partner(client, make):
    make.org("h2e")
    lead = make.org("ingeus", kind="lead")
    for roles in (["dpo"], ["contract_manager"], ["admin"], ["vrc", "team_manager"]):
        user = make.user(lead, roles=roles)
        c = client.application.test_client()
        sign_in(c, user)
        assert c.get("/h2e/").status_code == 404, roles
        assert c.get("/ingeus/").status_code == 200, roles


def test_anonymous_is_sent_to_sign_in(client, make):
    make.org("h2e")
    response = client.get("/h2e/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
