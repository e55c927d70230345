"""Configuration: environment variables and instance/portal.cfg, failing closed.

PORTAL_ENV defaults to ``production``, which refuses to start without a secret key,
a database URL and GOV.UK Notify settings. Development and test are explicit choices.
"""

import os
from datetime import timedelta
from typing import Any

from flask import Config, Flask

ENVIRONMENTS = ("production", "development", "test")
SESSION_STORES = ("database", "redis")  # portal/sessions.py

# Settings read from the environment when present (strings, converted below).
ENV_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "REDIS_URL",
    "NOTIFY_API_KEY",
    "NOTIFY_TEMPLATE_EMAIL",
    "PUBLIC_BASE_URL",
    "PRIVATE_FILES_DIR",
    "OOH_SHIFT_END",
    "SESSION_STORE",
    "TRUSTED_PROXIES",
)


class ConfigError(RuntimeError):
    """Raised when the portal is asked to start with settings it must refuse."""


def defaults(env: str, instance_path: str) -> dict[str, Any]:
    development = env == "development"
    return {
        "PORTAL_ENV": env,
        "SECRET_KEY": None,
        "DATABASE_URL": (None if env == "production" else "sqlite:///" + os.path.join(instance_path, "portal.sqlite")),
        "DATABASE_OWNER_URL": None,
        "REDIS_URL": None,
        "REDIS_KEY_PREFIX": "portal:",
        "NOTIFY_API_KEY": None,
        "NOTIFY_TEMPLATE_EMAIL": None,
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        # Where server-side sessions live: "database" (the staff_session table) or
        # "redis" (REDIS_URL; sessions then survive nothing but Redis itself).
        "SESSION_STORE": "database",
        # How many reverse proxies in front of the portal append to X-Forwarded-For,
        # -Proto and -Host (Werkzeug's ProxyFix). 0 trusts none of them: the client is the
        # TCP peer. Behind one TLS proxy, 1: the right-most X-Forwarded-For entry (the one
        # the proxy added) becomes request.remote_addr, the address the per-address sign-in
        # limit and the audit trail record; anything a client forged to its left is ignored.
        "TRUSTED_PROXIES": 0,
        "SESSION_COOKIE_NAME": "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "HSTS": not development,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # Signed consent forms and issued letters: outside the web root, served only
        # through routes that check access (portal/private_files.py).
        "PRIVATE_FILES_DIR": os.path.join(instance_path, "private-files"),
        "CONSENT_EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
        # A CSRF token is bounded by its session's lifetime, or, before anyone has passed
        # a password step (nothing is stored then), by its signed cookie's: the cookie is
        # renewed whenever a form is shown and lasts ANONYMOUS_CSRF_LIFETIME.
        "WTF_CSRF_TIME_LIMIT": None,
        "CSRF_COOKIE_NAME": "portal_csrf",
        "ANONYMOUS_CSRF_LIFETIME": timedelta(hours=1),
        "LOCKOUT_ACCOUNT_FAILURES": 10,
        "LOCKOUT_ACCOUNT_WINDOW": timedelta(minutes=5),
        "LOCKOUT_ACCOUNT_DURATION": timedelta(minutes=15),
        "LOCKOUT_ADDRESS_FAILURES": 100,
        "LOCKOUT_ADDRESS_WINDOW": timedelta(hours=1),
        "LOCKOUT_ADDRESS_DURATION": timedelta(hours=1),
        "TIMEZONE": "Europe/London",
        # When out-of-hours shifts end (HH:MM, Europe/London): verbal-consent access
        # lasts until the next such time, and never more than 12 hours (DESIGN.md rule 4).
        "OOH_SHIFT_END": "08:00",
        # Contract reporting and the API (issue 9): the first-contact target of the DWP
        # report (working days from referral), bearer token lifetime (seconds), and each
        # API client's rate limit (requests per fixed window of API_RATE_WINDOW seconds).
        "REPORT_FIRST_CONTACT_TARGET_DAYS": 2,
        "API_TOKEN_LIFETIME": 3600,
        "API_RATE_LIMIT": 120,
        "API_RATE_WINDOW": 60,
        "TESTING": env == "test",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, instance/portal.cfg, the environment and overrides."""
    overrides = dict(overrides or {})
    env = overrides.get("PORTAL_ENV") or os.environ.get("PORTAL_ENV") or "production"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    app.config.update(defaults(env, app.instance_path))
    app.config.from_pyfile("portal.cfg", silent=True)
    for name in ENV_SETTINGS:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.update(overrides)
    app.config["PORTAL_ENV"] = env
    app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(app.config["DATABASE_URL"])
    if app.config.get("DATABASE_OWNER_URL"):
        app.config["DATABASE_OWNER_URL"] = _sqlalchemy_url(app.config["DATABASE_OWNER_URL"])
    _refuse_unsafe(app.config)


def _sqlalchemy_url(url: str | None) -> str | None:
    """postgresql:// URLs use psycopg 3."""
    if url and url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _trusted_proxies(value: object) -> int:
    """TRUSTED_PROXIES as a whole number of hops (0 to 5)."""
    try:
        hops = int(str(value).strip())
    except ValueError:
        hops = -1
    if isinstance(value, bool) or not 0 <= hops <= 5:
        raise ConfigError(f"TRUSTED_PROXIES must be a number of proxies from 0 to 5, not {value!r}")
    return hops


def _refuse_unsafe(config: Config) -> None:
    config["TRUSTED_PROXIES"] = _trusted_proxies(config.get("TRUSTED_PROXIES", 0))
    if config.get("SESSION_STORE") not in SESSION_STORES:
        raise ConfigError(f"SESSION_STORE must be database or redis, not {config.get('SESSION_STORE')!r}")
    if config["SESSION_STORE"] == "redis" and not config.get("REDIS_URL"):
        raise ConfigError("SESSION_STORE=redis needs REDIS_URL")
    if config["PORTAL_ENV"] != "production":
        if not config.get("SECRET_KEY"):
            # A random key per process: sessions do not survive a restart, which is fine
            # for a first run and for tests, and there is no guessable fallback.
            config["SECRET_KEY"] = os.urandom(32).hex()
        return
    missing = [
        name
        for name in ("SECRET_KEY", "DATABASE_URL", "NOTIFY_API_KEY", "NOTIFY_TEMPLATE_EMAIL")
        if not config.get(name)
    ]
    if missing:
        raise ConfigError("production refuses to start without " + ", ".join(missing))
    config["SESSION_COOKIE_SECURE"] = True
    config["HSTS"] = True
