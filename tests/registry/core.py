"""Cases for sign-in, home, health and the organisation home."""

from tests.registry import Case

SIGNED_IN = dict.fromkeys(
    ("vrc", "other_vrc", "team_manager", "ooh", "ooh_lead", "admin", "dpo", "contract_manager", "lead_admin", "dwp"),
    200,
)

CASES = [
    Case("auth.login", public=True, default=302, expect={"anonymous": 200}, note="signed-in users are sent home"),
    Case(
        "auth.login",
        "POST",
        public=True,
        data={"email": "x@example.test", "password": "y"},
        default=302,
        expect={"anonymous": 200},
    ),
    Case("auth.code", public=True, default=302),
    Case("auth.code", "POST", public=True, data={"code": "123456"}, default=302),
    Case("auth.logout", "POST", public=True, default=302),
    Case("health.healthz", public=True, default=200),
    Case("test_only.raise_error", public=True, default=500),
    Case("static", args={"filename": "dist/portal.css"}, public=True, default=200),
    Case("home.index", expect=SIGNED_IN),
    # The organisation home: any member; others of the service get 404.
    Case("org.home", default=404, expect={"vrc": 200, "other_vrc": 200, "team_manager": 200, "ooh": 200, "admin": 200}),
]
