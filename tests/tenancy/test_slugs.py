"""Organisation slugs may not collide with the portal's fixed first path segments."""

import pytest

from portal.tenancy import slug_problem

# DESIGN.md, "Tenancy and URLs".
DESIGN_RESERVED = (
    "lead",
    "dpo",
    "ooh",
    "dwp",
    "account",
    "api",
    "oauth",
    "login",
    "logout",
    "healthz",
    "static",
    "assets",
    "admin",
    "jobs",
)


@pytest.mark.parametrize("slug", DESIGN_RESERVED)
def test_every_reserved_segment_of_the_design_is_refused(app_ctx, slug):
    assert "reserved" in slug_problem(slug)


def test_every_fixed_first_segment_of_the_app_is_refused(app, app_ctx):
    """Whatever routes later areas add, no organisation slug can shadow them."""
    segments = set()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            segments.add(first)
    assert {"login", "logout", "healthz", "static"} <= segments
    allowed = [segment for segment in sorted(segments) if slug_problem(segment) is None]
    assert not allowed, f"fixed first segments an organisation could take: {allowed}"


@pytest.mark.parametrize("slug", ["ingeus", "h2e", "case-uk", "salus", "tbhg", "a1-b2-c3"])
def test_ordinary_slugs_are_accepted(app_ctx, slug):
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    "slug", ["", "H2E", "case_uk", "-case", "case-", "case--uk", "case uk", "café", "x" * 41, "../lead", "lead/"]
)
def test_malformed_slugs_are_refused(app_ctx, slug):
    assert slug_problem(slug) is not None
