"""Reserved slugs come from the URL map: every fixed segment where an organisation's
slug goes is refused, and no organisation in the demo data or the tests' worlds takes one."""

import re

import pytest
from sqlalchemy import select

from portal.demo import ORGANISATIONS
from portal.extensions import db
from portal.models import Organisation
from portal.tenancy import POLICIES, reserved_slugs, slug_problem
from tests.factories import sign_in
from tests.lifecycle.helpers import post_form, world

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _literal_first_segments(app) -> set[str]:
    segments = set()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            segments.add(first)
    return segments


def test_every_literal_first_segment_of_the_url_map_is_reserved(app, app_ctx):
    segments = _literal_first_segments(app)
    assert {"admin", "ooh", "dpo", "api", "static", "login", "lead", "dwp", "jobs"} <= segments
    assert segments <= reserved_slugs()
    for segment in segments:
        assert slug_problem(segment) is not None, segment
        if SLUG.fullmatch(segment):
            assert "reserved" in slug_problem(segment), segment


def test_fixed_pages_where_the_other_families_put_a_slug_are_reserved(app, app_ctx):
    """``/admin/<slug>/`` beside ``/admin/organisations/``, ``/ooh/<org>/`` beside ``/ooh/access/``."""
    for policy in POLICIES:
        if policy.slug_is_first_segment:
            continue
        prefix = policy.prefix.strip("/") + "/"
        fixed = {
            rule.rule.strip("/")[len(prefix) :].split("/", 1)[0]
            for rule in app.url_map.iter_rules()
            if rule.rule.strip("/").startswith(prefix)
        }
        fixed = {segment for segment in fixed if segment and "<" not in segment}
        assert fixed, policy.prefix
        assert fixed <= reserved_slugs(), policy.prefix
    assert {"organisations", "contract-areas", "access"} <= reserved_slugs()


def test_no_demo_organisation_takes_a_url_segment(app_ctx):
    for slug, _name, kind in ORGANISATIONS:
        if kind == "commissioner":
            assert slug == "dwp"  # the commissioner's pages are the fixed /dwp/ routes
            continue
        assert slug_problem(slug) is None, slug


def test_no_organisation_of_the_test_worlds_takes_a_url_segment(app_ctx, make):
    world(make)
    delivering = db.session.scalars(select(Organisation.slug).where(Organisation.kind.in_(("lead", "delivery"))))
    assert not set(delivering) & reserved_slugs()


@pytest.mark.parametrize(
    "slug",
    [
        "dpo",
        "ooh",
        "admin",
        "api",
        "static",
        "login",
        "rights-requests",
        "organisations",
        "training-compliance",
        "access",
    ],
)
def test_the_lead_admin_cannot_create_an_organisation_with_a_reserved_slug(app, make, slug):
    w = world(make)
    client = app.test_client()
    sign_in(client, w.lead_admin)
    response = post_form(client, "/admin/organisations/new", {"name": "New Partner", "slug": slug, "kind": "delivery"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "reserved for the portal’s own pages" in body and 'href="#slug"' in body
    assert db.session.scalars(select(Organisation).where(Organisation.slug == slug)).first() is None
