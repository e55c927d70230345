"""A method a URL does not accept answers 405 with an ``Allow`` header naming the
methods it does accept (RFC 9110, section 15.5.6), on every rule of app.url_map:
pages and the API alike, whichever error handler draws the body."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

UNUSED_METHODS = ("DELETE", "PATCH", "PUT", "TRACE")


def _sample_value(converter):
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, IntegerConverter) else "x"


def _sample_path(adapter, rule) -> str:
    """A URL this rule matches (routing alone decides a 405: no record need exist)."""
    values = {name: _sample_value(converter) for name, converter in rule._converters.items()}
    method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    return adapter.build(rule.endpoint, values, method=method)


def test_every_rule_answers_a_method_it_does_not_accept_with_405_and_allow(app):
    client = app.test_client()
    adapter = app.url_map.bind("portal.test")
    wrong = []
    for rule in app.url_map.iter_rules():
        path = _sample_path(adapter, rule)
        accepted = set(adapter.allowed_methods(path))
        assert rule.methods <= accepted, path
        method = next(m for m in UNUSED_METHODS if m not in accepted)
        response = client.open(path, method=method)
        allow = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
        if response.status_code != 405 or allow != accepted:
            wrong.append(f"{method} {path}: {response.status_code}, Allow {sorted(allow)} (accepts {sorted(accepted)})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "path, method, accepted",
    [
        ("/login", "DELETE", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("/api/v1/referrals", "TRACE", {"OPTIONS", "POST"}),
        ("/api/v1/reports", "POST", {"GET", "HEAD", "OPTIONS"}),
        ("/oauth/token", "GET", {"OPTIONS", "POST"}),
    ],
)
def test_a_405_keeps_its_allow_header_and_its_own_body(app, path, method, accepted):
    response = app.test_client().open(path, method=method)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == accepted
    if path.startswith(("/api/", "/oauth/")):
        assert response.is_json and response.get_json()["error"]
    else:
        assert "This page does not accept that request" in response.get_data(as_text=True)
