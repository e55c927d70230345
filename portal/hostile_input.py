"""Hostile input refused at the boundary (DESIGN.md rule 11), one place per channel.

NUL and the other control characters (Unicode category Cc: C0, DEL and C1) are refused
wherever text comes in, as are lone surrogates (which a JSON ``\\ud800`` escape can
carry and no database can store). Free text (a textarea, a CSV cell) may hold tab and
newline; a browser's CRLF line ending is normalised to LF first, so CR is accepted
only as part of CRLF.

The channels and their one place each:

- **forms**: ``blueprints.forms.BaseForm`` (every WTForms form of the portal) checks
  every field before its validators run, giving a GOV.UK field error with the input
  kept, and normalises CRLF to LF in textareas;
- **query strings and URL path values**: ``init_app``'s request hooks, for every route
  (a page answers 400 naming the parameters, the API a 400 with field errors; a path
  value holding a control character names no record: 404);
- **JSON bodies** (``/api/``): the same hook answers 422 with field errors before the
  view runs;
- **the OAuth token endpoint's form body and Basic credentials**: the same hook
  answers RFC 6749's ``invalid_request`` (400);
- **CSV rows**: ``csv_row_problem`` gives the row error each importer reports.

Refusals are audited (``input.refused``) with the channel, the endpoint and the form's
own field names or a count, never the values (rule 10).
"""

import re
from collections.abc import Iterable
from typing import Any, TypedDict, TypeVar, overload

from flask import Flask, Response, abort, g, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from portal import audit

# Category Cc (C0, DEL, C1) and Cs (lone surrogates), as one character class.
_CONTROL = "\x00-\x1f\x7f-\x9f"
_SURROGATE = "\ud800-\udfff"
_FORBIDDEN_ANYWHERE = re.compile(f"[{_CONTROL}{_SURROGATE}]")
_FORBIDDEN_IN_FREE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_SURROGATE}]")

SHORT_MESSAGE = "{label} must not include tabs, line breaks or hidden control characters (like NUL)"
FREE_TEXT_MESSAGE = "{label} must not include hidden control characters (like NUL)"
QUERY_MESSAGE = "must not include control characters (like NUL)"

OAUTH_PREFIX = "/oauth/"
API_PREFIX = "/api/"

T = TypeVar("T")


class Problem(TypedDict):
    """A field error: the field (or JSON path, or parameter) and what is wrong."""

    field: str
    message: str


@overload
def normalise_newlines(value: str) -> str: ...
@overload
def normalise_newlines(value: T) -> T: ...
def normalise_newlines(value: object) -> object:
    """CRLF (a browser's textarea line ending) to LF; anything else as it is."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


def has_forbidden(value: str, free_text: bool = False) -> bool:
    """Whether ``value`` holds a character refused at the boundary. Free text may hold
    tab, LF and the CR of a CRLF line ending."""
    if free_text:
        return bool(_FORBIDDEN_IN_FREE_TEXT.search(value.replace("\r\n", "\n")))
    return bool(_FORBIDDEN_ANYWHERE.search(value))


def field_message(label: str, free_text: bool = False) -> str:
    label = (label or "This field").strip() or "This field"
    return (FREE_TEXT_MESSAGE if free_text else SHORT_MESSAGE).format(label=label)


def csv_row_problem(cells: Iterable[object]) -> str | None:
    """The row error for a CSV row holding a refused character (cells are free text:
    tab and a line break inside a quoted cell are allowed), or None."""
    bad = [i for i, cell in enumerate(cells) if isinstance(cell, str) and has_forbidden(cell, free_text=True)]
    if not bad:
        return None
    columns = ", ".join(str(i + 1) for i in bad)
    return (
        f"The row has hidden control characters (like NUL) in column{'s' if len(bad) > 1 else ''} "
        f"{columns}: remove them and upload the row again"
    )


def scrub(text: str) -> str:
    """``text`` with every refused character but tab, CR and LF replaced by U+FFFD: what
    may be kept of a file whose bad rows are reported, never stored as they came."""
    return re.sub(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATE}]", "\ufffd", text)


def json_problems(value: object) -> list[Problem]:
    """Field errors for every string (keys included) of a parsed JSON body that holds a
    refused character; ``field`` is the JSON path (``body`` for the top level). Walked
    without recursion, however deep the document."""
    problems: list[Problem] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if has_forbidden(item):
                problems.append({"field": path or "body", "message": f"The value {QUERY_MESSAGE}"})
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and has_forbidden(key):
                    problems.append({"field": path or "body", "message": f"A field name {QUERY_MESSAGE}"})
                else:
                    stack.append((f"{path}.{key}" if path else str(key), inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]", inner) for index, inner in enumerate(item))
    return sorted(problems, key=lambda p: p["field"])


def _printable_name(name: str) -> str:
    """A parameter's name as it may be shown back (its refused characters as U+FFFD)."""
    return scrub(name).replace("\t", "\ufffd").replace("\r", "\ufffd").replace("\n", "\ufffd")[:60]


def _multidict_problems(values: MultiDict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for key in values:
        if has_forbidden(key):
            problems.append({"field": _printable_name(key), "message": f"The parameter’s name {QUERY_MESSAGE}"})
            continue
        if any(isinstance(v, str) and has_forbidden(v) for v in values.getlist(key)):
            problems.append({"field": key, "message": f"The value of ‘{key}’ {QUERY_MESSAGE}"})
    return problems


def audit_refusal(channel: str, fields: list[str] | int) -> None:
    """One audited refusal: channel, endpoint and the form's field names (or a count of
    user-named parameters), never a value."""

    detail: dict[str, Any] = {"channel": channel, "endpoint": request.endpoint}
    if isinstance(fields, int):
        detail["count"] = fields
    else:
        detail["fields"] = fields
    audit.record_and_commit("input.refused", object_type="request", detail=detail, outcome="refused")


def _query_refusal(problems: list[Problem]) -> Response | tuple[str, int]:
    audit_refusal("query", len(problems))
    if request.path.startswith((API_PREFIX, OAUTH_PREFIX)):
        response = jsonify(
            {
                "error": "invalid_query",
                "message": "The query string has values that are not allowed",
                "reference": g.get("request_id", ""),
                "errors": problems,
            }
        )
        response.status_code = 400
        return response
    return render_template("errors/input_refused.html", problems=problems, reference=g.get("request_id", "")), 400


def _oauth_refusal() -> Response:
    audit_refusal("oauth", 1)
    response = jsonify(
        {
            "error": "invalid_request",
            "error_description": "The request has a parameter with control characters (like NUL)",
        }
    )
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _json_refusal(problems: list[Problem], status: int = 422) -> Response:
    audit_refusal("json", len(problems))
    body: dict[str, str | list[Problem]]
    if status == 400:
        body = {"error": "invalid_json", "message": "The body is not valid JSON"}
    else:
        body = {"error": "validation_failed", "message": "The body has values that are not allowed", "errors": problems}
    response = jsonify({**body, "reference": g.get("request_id", "")})
    response.status_code = status
    return response


def _oauth_credentials_forbidden() -> bool:
    form_bad = bool(_multidict_problems(request.form))
    auth = request.authorization
    basic_bad = auth is not None and any(
        isinstance(part, str) and has_forbidden(part) for part in (auth.username, auth.password)
    )
    return form_bad or basic_bad


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def _path_values(endpoint: str | None, values: dict[str, Any] | None) -> None:
        """A URL path value (an organisation's slug, a reference) with a control
        character names no record: 404, before any lookup runs."""
        if values and any(isinstance(v, str) and has_forbidden(v) for v in values.values()):
            abort(404)

    @app.before_request
    def _boundary() -> Response | tuple[str, int] | None:
        problems = _multidict_problems(request.args)
        if problems:
            return _query_refusal(problems)
        if request.path.startswith(OAUTH_PREFIX) and request.method == "POST" and _oauth_credentials_forbidden():
            return _oauth_refusal()
        if request.path.startswith(API_PREFIX) and request.method in ("POST", "PUT", "PATCH") and request.is_json:
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # nested too deep for the parser: not JSON the API reads
                return _json_refusal([], status=400)
            problems = json_problems(body) if body is not None else []
            if problems:
                return _json_refusal(problems)
        return None
