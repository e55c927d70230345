"""The portal's pages: one package per thing served, each registering one blueprint of
its own name (``blueprints/<name>/`` → blueprint ``<name>``). The DPO's pages are one
package, ``dpo``, whose parts are nested blueprints. Shared page helpers live in
``blueprints.common``."""

from importlib import import_module

from flask import Flask

# Registration order matters only for URLs: the organisation URLs (``/<org>/...``)
# come last, so that a fixed first segment (``/dpo``, ``/admin``...) always wins.
BLUEPRINTS = (
    "auth",
    "health",
    "home",
    "jobs",
    "contract_areas",
    "account",
    "lifecycle",
    "notifications",
    "invitation",
    "staff",
    "dpo",
    "authority_requests",
    "privacy_notices",
    "rights_intake",
    "ooh",
    "breaches",
    "governance",
    "lead",
    "dwp",
    "api",
    "api_clients",
    "org",
    "caseload",
    "participants",
    "referrals",
    "consent",
    "ooh_oversight",
)
TESTING_ONLY = ("test_only",)


def register_blueprints(app: Flask) -> None:
    names = BLUEPRINTS + (TESTING_ONLY if app.config["TESTING"] else ())
    for name in names:
        app.register_blueprint(import_module(f"blueprints.{name}").bp)
