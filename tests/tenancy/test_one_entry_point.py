"""Every URL naming an organisation (``/<org>/``, ``/ooh/<org>/``, ``/admin/<slug>/``)
goes through the one tenancy preprocessor, and nothing else looks an organisation up
by its slug."""

import re
from pathlib import Path

import pytest

from portal.tenancy import ADMINISTRATION, CASEWORK, OUT_OF_HOURS
from tests.audit.helpers import events
from tests.factories import sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_naming_an_organisation_is_on_an_org_blueprint(app):
    seen = set()
    for rule in app.url_map.iter_rules():
        if not ({"org", "slug"} & set(rule.arguments)):
            continue
        blueprint = app.blueprints[rule.endpoint.rsplit(".", 1)[0]]
        policy = getattr(blueprint, "org_policy", None)
        assert policy is not None, f"{rule.rule} names an organisation outside portal.tenancy.org_blueprint"
        assert policy.key in rule.arguments and rule.rule.startswith(policy.prefix), rule
        seen.add(policy)
    assert seen == {CASEWORK, OUT_OF_HOURS, ADMINISTRATION}


@pytest.mark.parametrize(
    "roles, url",
    [
        (["vrc"], "/nope/"),
        (["vrc"], "/nope/participants/1"),
        (["ooh"], "/ooh/nope/participants/1/check"),
        (["admin"], "/admin/nope/"),
        (["admin"], "/admin/nope/training"),
    ],
)
def test_an_unknown_organisation_is_an_audited_404_in_every_family(client, make, roles, url):
    lead = make.org("ingeus", kind="lead")
    make.org("h2e")
    user = make.user(lead, roles=roles)
    sign_in(client, user)
    assert client.get(url).status_code == 404
    [refusal] = events("access.refused.404")
    assert (refusal.user_id, refusal.object_type, refusal.object_id, refusal.org_id) == (
        user.id,
        "organisation",
        "nope",
        None,
    )


@pytest.mark.parametrize(
    "roles, url", [(["vrc"], "/h2e/"), (["vrc"], "/ooh/h2e/participants/1/check"), (["admin"], "/admin/h2e/")]
)
def test_an_organisation_out_of_reach_is_an_audited_404_in_every_family(client, make, roles, url):
    h2e = make.org("h2e")
    user = make.user(make.org("salus"), roles=roles)
    sign_in(client, user)
    assert client.get(url).status_code == 404
    [refusal] = events("access.refused.404")
    assert (refusal.user_id, refusal.object_type, refusal.object_id, refusal.org_id) == (
        user.id,
        "organisation",
        "h2e",
        h2e.id,
    )


def test_on_admin_pages_a_role_missing_everywhere_is_403_before_the_organisation(client, make):
    user = make.user(make.org("h2e"), roles=["vrc"])
    sign_in(client, user)
    assert client.get("/admin/nope/").status_code == 403
    assert client.get("/admin/h2e/").status_code == 403
    assert not events("access.refused.404")


def _sources():
    for folder in ("portal", "blueprints"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_only_tenancy_looks_an_organisation_up_by_its_slug():
    lookups = re.compile(r"Organisation\.slug\s*==|==\s*Organisation\.slug")
    offenders = [name for name, text in _sources() if name != "portal/tenancy.py" and lookups.search(text)]
    assert not offenders, f"look organisations up through portal.tenancy.organisation_by_slug: {offenders}"


def test_the_copies_of_the_tenancy_lookups_are_gone():
    copies = re.compile(
        r"def (_org|_managed_org|_member|managed_org|participant_in_org|participant_at|get_request"
        r"|get_complaint|get_in_org)\(|RESERVED_SLUGS"
    )
    offenders = [name for name, text in _sources() if copies.search(text)]
    assert not offenders, offenders
