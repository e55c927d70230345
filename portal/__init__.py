"""The AtW MHSS Partner Portal: create_app() builds the Flask application."""

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import cli, errors, extensions, hostile_input, jobs, security, sessions, templating, web
from portal import config as portal_config
from portal.sessions import ServerSessionInterface


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, request hooks, blueprints and CLI commands."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH")
        or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance"),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )

    portal_config.load(app, config)

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=os.path.join(os.path.dirname(app.root_path), "migrations")
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    app.session_interface = ServerSessionInterface()
    if app.config["TRUSTED_PROXIES"]:
        # Behind N reverse proxies, the client address and scheme are the ones the
        # proxies recorded (the right-most N entries), not what the client claims. The
        # host is not taken from X-Forwarded-Host: proxies pass the Host header itself,
        # and a client's own X-Forwarded-Host would otherwise pass through unchecked.

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]  # Flask's idiom

    web.init_request_state(app)  # first: every request starts with an empty g
    templating.init_app(app)
    security.init_app(app)
    sessions.init_app(app)  # before the sign-in gate: a 503 while the session store is down
    web.init_app(app)
    hostile_input.init_app(app)  # after the gate: the request id is set
    errors.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)

    from blueprints import register_blueprints  # noqa: PLC0415 - the app factory registers the pages; portal imports no page at import time

    register_blueprints(app)
    return app
