"""Hostile input, the class of bug (issue 15 item 8, DESIGN.md rule 11): every POST
route of the route registry and every API operation, every field, fed NUL and the
other control characters, invalid UTF-8, 10 kB strings, formula payloads and markup.
No answer may be a 5xx, and afterwards no text column of any table holds a NUL.

It runs in both passes. To keep it quick the world is built once and the hostile
values are distributed across fields rather than crossed with them: per POST route,
one request with a control character in every field, one with invalid UTF-8 bytes in
every field, one with 10 kB in every field, one with a payload in every field, and
hostile CSV files in every file field; every API operation, every field, all of it.
The heavy part runs in the PostgreSQL pass only (where a NUL or an overlong value is an
error rather than silently stored): one request per field with a payload there and the
registry's valid sample elsewhere (so the payload reaches the service), and on every
page a query string of control characters, then one of payloads, 10 kB values and
invalid UTF-8. (The query-string hook itself is tested in both passes by
tests/core/test_hostile_input.py.)
"""

import io
import re
import secrets
import urllib.parse

from flask import url_for
from sqlalchemy import JSON, String, Text, func, select

from portal.extensions import db
from tests.conftest import POSTGRES
from tests.registry import ROLES, all_cases
from tests.registry.api import READ, REFERENCE, WRITE
from tests.support.matrix import build_world, client_for
from tests.support.web import csrf_from

CASES = all_cases()
SUCCESS = {200, 201, 302, 303}

# Control characters: every C0, DEL and some C1, alone and inside text.
_CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f", "\x80", "\x85", "\x9b", "\x9f"]
CONTROL_VALUES = [
    "\x00",
    "vrc1@ingeus.example\x00",
    "a\x00b",
    "\x00" * 50,
    "line\rbreak",
    "tab\there",
    "two\nlines",
    "\r\n",
] + [f"Sam{ch}Lee" for ch in _CONTROLS]
# Invalid UTF-8, as raw bytes of a form body or query string.
INVALID_UTF8 = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",
    b"\xa0\xa1",
    b"\xe2\x28\xa1",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"abc\x80def",
    b"\xf8\x88\x80\x80\x80",
]
LONG_VALUES = ["A" * 10_240, "é" * 5_120, "7" * 10_240, "<b>" * 3_414, "a b " * 2_560]
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example","click")',
    "\t=1+1",
    "\r=1+1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "{% raw %}",
    "'; DROP TABLE participant; --",
    "../../../../etc/passwd",
    "%00",
    "\\x00",
    "\u202eevil",
    "\ufeff",
    "\U0001f600" * 3,
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0",
    "",
    " ",
    "null",
    "[]",
    "{}",
    "true",
    "2026-13-45",
    "31/02/2026",
    "0000-01",
    "9999-12",
    "javascript:alert(1)",
    "https://evil.example/",
    "//evil.example",
    "\u0130\u0131",
    "Ω" * 40,
    "a" * 501,
    # Just under the single-line cap: longer than most columns, so the service must check.
    "b" * 499,
    "ü" * 300,
]
HOSTILE = CONTROL_VALUES + [v.decode("latin-1") for v in INVALID_UTF8] + LONG_VALUES + PAYLOADS

FIELD_RE = re.compile(r'<(?:input|textarea|select|button)\b[^>]*?\bname="([^"]+)"')
# Query-string names the portal's pages read.
QUERY_NAMES = (
    "q",
    "page",
    "status",
    "vrc",
    "month",
    "measure",
    "area",
    "show",
    "purpose",
    "refresh",
    "next",
    "name",
    "date_of_birth",
    "ni_number",
    "worker",
    "organisation",
    "participant",
    "submit",
    "published",
    "back",
    "from",
    "to",
    "action",
    "user",
)


def value_of(spec, world):
    return spec(world) if callable(spec) else spec


def _role_for(case):
    if case.public:
        return "anonymous"
    ranked = [r for r in ROLES if r != "anonymous" and case.expected(r, False) in SUCCESS]
    if ranked:
        return ranked[0]
    ranked = [r for r in ROLES if r != "anonymous" and case.expected(r, False) not in (401, 403, 404)]
    return ranked[0] if ranked else "vrc"


class Fuzz:
    def __init__(self, app, world, heavy: bool):
        self.app, self.world, self.heavy = app, world, heavy
        self.failures, self.requests, self.used = [], 0, set()
        self.counter = 0
        self.clients = {}  # role -> (client, CSRF token): each role signs in once

    def client(self, role):
        """The role's signed-in client and a CSRF token of its session, made once (and
        again only if a POST ended that session)."""
        if role not in self.clients:
            client = client_for(self.app, self.world, role) if role != "anonymous" else self.app.test_client()
            page = client.get("/") if role != "anonymous" else client.get("/login")
            if page.status_code != 200:
                page = client.get("/login")
            self.clients[role] = (client, csrf_from(page))
        return self.clients[role]

    def signed_out(self, role, response) -> bool:
        if role != "anonymous" and response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            self.clients.pop(role, None)
            return True
        return False

    def pick(self, values):
        value = values[self.counter % len(values)]
        self.counter += 1
        self.used.add(value.decode("latin-1") if isinstance(value, bytes) else repr(value))
        return value

    def check(self, response, what):
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {what}")

    def url(self, case):
        args = dict(value_of(case.args, self.world) or {})
        rule = next(self.app.url_map.iter_rules(case.endpoint))
        if "org" in rule.arguments:
            args.setdefault("org", self.world.home.slug)
        with self.app.test_request_context():
            return url_for(case.endpoint, **args)

    def post_form(self, case):
        url = self.url(case)
        role = _role_for(case)
        client, token = self.client(role)
        page = client.get(url)
        if self.signed_out(role, page):
            client, token = self.client(role)
            page = client.get(url)
        names = set(FIELD_RE.findall(page.get_data(as_text=True))) if page.status_code == 200 else set()
        sample = dict(value_of(case.data, self.world) or {})
        names = sorted((names | set(sample)) - {"csrf_token"})
        files = {n for n, v in sample.items() if isinstance(v, tuple)}
        text_names = [n for n in names if n not in files]
        what = f"POST {url} ({case.endpoint})"

        def send(data, label):
            response = client.post(url, data={**data, "csrf_token": token})
            self.check(response, f"{what} {label}")

        def fresh_sample():
            return dict(value_of(case.data, self.world) or {})

        # 1-4: every text field at once; files keep their valid sample.
        for label, values in (("control", CONTROL_VALUES), ("long", LONG_VALUES), ("payload", PAYLOADS)):
            data = fresh_sample()
            data.update({n: self.pick(values) for n in text_names})
            send(data, label)
        if not files and text_names:
            body = [("csrf_token", token.encode())] + [(n, self.pick(INVALID_UTF8)) for n in text_names]
            response = client.post(
                url, data=urllib.parse.urlencode(body).encode(), content_type="application/x-www-form-urlencoded"
            )
            self.check(response, f"{what} invalid UTF-8")
        # One per field: a payload there, the valid sample elsewhere (heavy pass only).
        for name in text_names if self.heavy else ():
            data = fresh_sample()
            data[name] = self.pick(PAYLOADS + LONG_VALUES)
            send(data, f"payload in {name}")
        # Files: a CSV with control characters, invalid UTF-8 and formulas in its rows.
        for name in files:
            original = fresh_sample()[name]
            header = original[0].read().split(b"\n", 1)[0] if hasattr(original[0], "read") else b"a,b"
            width = header.count(b",") + 1
            rows = [
                b",".join([b"ATW-FUZZ-\x00", b"Al\x00ex", *[b"x"] * (width - 2)]),
                b",".join([b"=cmd|' /C calc'!A0", b"@SUM(A1)", *[b"+1"] * (width - 2)]),
                b",".join([b"\xff\xfe", b"\xed\xa0\x80", *[b"-1"] * (width - 2)]),
                b",".join([b"\x1b[31m", b"\x07", *[b"\x7f"] * (width - 2)]),
            ]
            for number, row in enumerate(rows):
                data = fresh_sample()
                data[name] = (io.BytesIO(header + b"\n" + row + b"\n"), f"fuzz{number}.csv")
                send(data, f"hostile file in {name}")
            # The valid file under a hostile name (the name is stored as text).
            for filename in ("fuzz\x00.csv", "\x1b[31mfuzz.csv", "fuzz\u0085\r.csv"):
                data = fresh_sample()
                data[name] = (data[name][0], filename, *data[name][2:])
                send(data, f"hostile file name in {name}")

    def query(self, case):
        """A page's GET with hostile query-string values: control characters (refused by
        the boundary before the view runs) and, in the heavy pass, payloads, 10 kB and
        invalid UTF-8 that reach the page's own parsing."""
        url = self.url(case)
        client = self.client("anonymous" if case.public else _role_for(case))[0]
        headers = case.headers or {}
        query = urllib.parse.urlencode({n: self.pick(CONTROL_VALUES) for n in QUERY_NAMES[:4]})
        self.check(client.get(f"{url}?{query}", headers=headers), f"GET {url} ({case.endpoint}) control query")
        if self.heavy:
            parts = [f"{n}={urllib.parse.quote(self.pick(PAYLOADS + LONG_VALUES))}" for n in QUERY_NAMES[::2]]
            parts += [f"{n}={urllib.parse.quote_from_bytes(self.pick(INVALID_UTF8))}" for n in QUERY_NAMES[1::2]]
            self.check(client.get(f"{url}?{'&'.join(parts)}", headers=headers), f"GET {url} ({case.endpoint}) query")


def _referral(world):
    return {
        "atw_reference": "ATW-FUZZ-1",
        "first_name": "Robin",
        "last_name": "Fuzz",
        "date_of_birth": "1980-01-31",
        "ni_number": "AB123456C",
        "email": "robin@example.com",
        "phone": "07700 900 123",
        "address_line_1": "1 Example Street",
        "address_line_2": "",
        "town": "Leeds",
        "postcode": "LS1 4AP",
        "occupation": "Nurse",
        "employer": "NHS",
        "health_information": "Anxiety",
    }


def _api(fuzz: Fuzz, world):
    client = fuzz.app.test_client()
    # POST /oauth/token: every parameter, form body and Basic credentials.
    names = ("grant_type", "client_id", "client_secret", "scope")
    for values in (CONTROL_VALUES, LONG_VALUES, PAYLOADS):
        data = {n: fuzz.pick(values) for n in names}
        fuzz.check(client.post("/oauth/token", data=data), "POST /oauth/token")
        for name in names:
            good = {
                "grant_type": "client_credentials",
                "client_id": "dwp",
                "client_secret": "s",
                "scope": "reports:read",
            }
            good[name] = fuzz.pick(values)
            fuzz.check(client.post("/oauth/token", data=good), f"POST /oauth/token {name}")
        fuzz.check(
            client.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, auth=(fuzz.pick(values), fuzz.pick(values))
            ),
            "POST /oauth/token basic",
        )
    body = urllib.parse.urlencode(
        [
            ("grant_type", b"client_credentials"),
            ("client_id", fuzz.pick(INVALID_UTF8)),
            ("client_secret", fuzz.pick(INVALID_UTF8)),
        ]
    ).encode()
    fuzz.check(
        client.post("/oauth/token", data=body, content_type="application/x-www-form-urlencoded"),
        "POST /oauth/token invalid UTF-8",
    )
    # POST /api/v1/referrals: every field, all at once and one at a time; JSON-only values too.
    fields = list(_referral(world))
    json_only = [None, 0, -1, 10**30, 1.5, True, [], {}, ["\x00"], {"a": "\x00"}, {"\x00": 1}, "\ud800", "\udfff"]
    for values in (CONTROL_VALUES, LONG_VALUES, PAYLOADS, json_only):
        body = {**_referral(world), "atw_reference": f"ATW-FZ-{secrets.token_hex(3)}"}
        body.update({f: fuzz.pick(values) for f in fields})
        fuzz.check(client.post("/api/v1/referrals", json=body, headers=WRITE), "POST /api/v1/referrals all")
        for field in fields:
            body = {**_referral(world), "atw_reference": f"ATW-FZ-{secrets.token_hex(3)}"}
            body[field] = fuzz.pick(values)
            fuzz.check(client.post("/api/v1/referrals", json=body, headers=WRITE), f"POST /api/v1/referrals {field}")
    for raw in (
        b'{"first_name": "\xff\xfe"}',
        b'{"first_name": "a\\u0000b"}',
        b'{"\\u0000": 1}',
        b"\x00",
        b'"\\ud800"',
        b"[" * 5000,
        b'{"atw_reference": ' + b'"x' * 3000 + b'"}',
    ):
        fuzz.check(
            client.post("/api/v1/referrals", data=raw, content_type="application/json", headers=WRITE),
            "POST /api/v1/referrals raw",
        )
    # GET operations: hostile query values and path values.
    for values in (CONTROL_VALUES, LONG_VALUES, PAYLOADS):
        month = urllib.parse.quote(fuzz.pick(values))
        fuzz.check(client.get(f"/api/v1/reports?month={month}", headers=READ), "GET /api/v1/reports")
        ref = urllib.parse.quote(fuzz.pick(values), safe="")
        fuzz.check(client.get(f"/api/v1/referrals/{ref}", headers=WRITE), "GET /api/v1/referrals/<ref>")
    fuzz.check(client.get("/api/v1/reports?month=%ff%fe", headers=READ), "GET /api/v1/reports invalid UTF-8")
    fuzz.check(client.get(f"/api/v1/referrals/{REFERENCE}%ff", headers=WRITE), "GET /api/v1/referrals invalid UTF-8")
    fuzz.check(client.get(f"/api/v1/reports/{10**30}", headers=READ), "GET /api/v1/reports/<huge id>")


def _nul_columns() -> list[str]:
    """Every text and JSON column of every table holding a NUL: raw in a text column
    (SQLite stores one; PostgreSQL's text cannot hold it at all) or escaped as \\u0000
    in a JSON document (both databases can hold that)."""
    sqlite = db.engine.dialect.name == "sqlite"
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, JSON):
                as_text = func.cast(column, Text)
                condition = as_text.contains("\\u0000", autoescape=True)
                if sqlite:
                    condition = condition | (func.instr(as_text, "\x00") > 0)
            elif isinstance(column.type, (String, Text)) and sqlite:
                condition = func.instr(column, "\x00") > 0
            else:
                continue
            count = db.session.scalar(select(func.count()).select_from(table).where(condition))
            if count:
                found.append(f"{table.name}.{column.name}: {count}")
    return found


def test_no_hostile_input_gives_a_5xx_or_stores_a_nul(app):
    with app.app_context():
        world = build_world()
        fuzz = Fuzz(app, world, heavy=POSTGRES)
        posts = [c for c in CASES if c.method == "POST" and not c.endpoint.startswith("api.")]
        # The routes that end sessions or remove what others need go last.
        posts.sort(key=lambda c: any(w in c.endpoint for w in ("logout", "erasure", "destroy", "deactivate", "revoke")))
        for case in posts:
            fuzz.post_form(case)
        gets = {}
        for case in CASES:
            if case.method == "GET" and not case.endpoint.startswith(("test_only.", "static")):
                gets.setdefault(case.endpoint, case)
        for case in gets.values() if fuzz.heavy else ():
            fuzz.query(case)
        _api(fuzz, world)
        db.session.remove()
        print(f"{fuzz.requests} hostile requests, {len(fuzz.used)} distinct values")
        assert len(fuzz.used) >= 100, f"only {len(fuzz.used)} distinct hostile values were sent"
        assert not fuzz.failures, f"{len(fuzz.failures)} of {fuzz.requests} answers were 5xx:\n" + "\n".join(
            fuzz.failures[:60]
        )
        assert _nul_columns() == []
