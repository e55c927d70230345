"""Organisations (lead admin): create and rename lead and delivery organisations with
the slug rules; the commissioner is fixed."""

import pytest
from sqlalchemy import select

from portal.accounts import organisations
from portal.extensions import db
from portal.models import Organisation
from tests.factories import sign_in
from tests.lifecycle.helpers import events, post_form, world

NEW = "/admin/organisations/new"


@pytest.fixture
def lead_admin(app, make):
    w = world(make)
    client = app.test_client()
    sign_in(client, w.lead_admin)
    return w, client


def test_lead_admin_adds_a_delivery_partner(lead_admin):
    w, client = lead_admin
    organisations = client.get("/admin/").get_data(as_text=True)
    assert f'href="{NEW}"' in organisations
    assert 'href="/admin/organisations/h2e/rename"' in organisations
    assert 'href="/admin/organisations/dwp/rename"' not in organisations  # the commissioner is fixed
    response = post_form(client, NEW, {"name": "  Remploy   Ltd ", "slug": "remploy", "kind": "delivery"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/remploy/"
    org = db.session.scalars(select(Organisation).where(Organisation.slug == "remploy")).one()
    assert (org.name, org.kind) == ("Remploy Ltd", "delivery")
    event = events("organisation.created")[0]
    assert (event.object_id, event.user_id, event.detail) == (str(org.id), w.lead_admin.id, {"kind": "delivery"})
    assert "Remploy Ltd has been added" in client.get("/admin/remploy/").get_data(as_text=True)


@pytest.mark.parametrize(
    "slug, message",
    [
        ("", "Enter a short name"),
        ("Bad Slug", "lower-case letters, digits and single hyphens"),
        ("a--b", "lower-case letters, digits and single hyphens"),
        ("-ab", "lower-case letters, digits and single hyphens"),
        ("x" * 41, "40 characters or fewer"),
        ("login", "reserved"),
        ("admin", "reserved"),
        ("dwp", "reserved"),
        ("contract-areas", "reserved"),  # a page under /admin/
        ("organisations", "reserved"),
        ("h2e", "already used by Health 2 Employment"),
    ],
)
def test_slug_rules(lead_admin, slug, message):
    _, client = lead_admin
    response = post_form(client, NEW, {"name": "New Partner", "slug": slug, "kind": "delivery"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body and 'href="#slug"' in body
    assert 'value="New Partner"' in body  # input kept
    assert db.session.scalars(select(Organisation).where(Organisation.name == "New Partner")).first() is None


def test_one_lead_partner_unique_names_and_a_kind(lead_admin):
    _, client = lead_admin
    body = post_form(client, NEW, {"name": "Another Lead", "slug": "another", "kind": "lead"}).get_data(as_text=True)
    assert "Ingeus UK is already the lead partner" in body and 'value="another"' in body
    body = post_form(client, NEW, {"name": "salus", "slug": "salus-two", "kind": "delivery"}).get_data(as_text=True)
    assert "There is already an organisation with this name" in body
    body = post_form(client, NEW, {"name": "No Kind", "slug": "no-kind"}).get_data(as_text=True)
    assert "Select whether it is the lead partner or a delivery partner" in body
    body = post_form(client, NEW, {"name": "Commissioner", "slug": "commissioner", "kind": "commissioner"}).get_data(
        as_text=True
    )
    assert "Select whether it is the lead partner or a delivery partner" in body
    assert len(db.session.scalars(select(Organisation)).all()) == 4


def test_a_lead_partner_can_be_created_when_there_is_none(app_ctx, make):
    org = organisations.create_organisation("First Lead", "first-lead", "lead", actor_id=None)
    assert org.kind == "lead"


def test_rename_name_and_slug(lead_admin, make):
    w, client = lead_admin
    member = make.user(w.salus, ["vrc"])
    response = post_form(client, "/admin/organisations/salus/rename", {"name": "Salus Health", "slug": "salus-health"})
    assert response.status_code == 303
    org = db.session.get(Organisation, w.salus.id)
    assert (org.name, org.slug) == ("Salus Health", "salus-health")
    assert events("organisation.renamed")[0].detail == {"fields": ["name", "slug"]}
    # Its pages move with the slug.
    staff_client = client.application.test_client()
    sign_in(staff_client, member)
    assert staff_client.get("/salus-health/").status_code == 200
    assert staff_client.get("/salus/").status_code == 404


def test_rename_errors_keep_input(lead_admin):
    _, client = lead_admin
    page = client.get("/admin/organisations/h2e/rename")
    assert 'value="Health 2 Employment"' in page.get_data(as_text=True)
    body = post_form(
        client, "/admin/organisations/h2e/rename", {"name": "Health 2 Employment", "slug": "h2e"}
    ).get_data(as_text=True)
    assert "Change the name or the short name" in body
    body = post_form(client, "/admin/organisations/h2e/rename", {"name": "H2E Renamed", "slug": "salus"}).get_data(
        as_text=True
    )
    assert "already used by Salus" in body and 'value="H2E Renamed"' in body
    body = post_form(client, "/admin/organisations/h2e/rename", {"name": "", "slug": "h2e"}).get_data(as_text=True)
    assert "Enter the organisation’s name" in body
    assert client.post("/admin/organisations/h2e/rename", data={"name": "X", "slug": "h2e"}).status_code == 400
    assert (
        db.session.get(
            Organisation, db.session.scalars(select(Organisation.id).where(Organisation.slug == "h2e")).one()
        ).name
        == "Health 2 Employment"
    )


def test_the_commissioner_is_fixed(lead_admin):
    w, client = lead_admin
    assert client.get("/admin/organisations/dwp/rename").status_code == 404
    with pytest.raises(organisations.OrganisationProblem):
        organisations.rename_organisation(w.dwp, "Department", "dept", actor_id=w.lead_admin.id)


def test_only_the_lead_admin(app, make):
    w = world(make)
    client = app.test_client()
    sign_in(client, w.admin)
    assert client.get(NEW).status_code == 403
    assert client.get("/admin/organisations/h2e/rename").status_code == 403
