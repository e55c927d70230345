"""Jinja set-up: GOV.UK Frontend macros, WTForms widgets, filters and globals."""

from datetime import date, datetime
from typing import cast

from flask import Flask, g
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from portal import clock
from portal.permissions import can

SERVICE_NAME = "Access to Work Mental Health Support"


def init_app(app: Flask) -> None:
    assert isinstance(app.template_folder, str)  # create_app names it
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(
                app.template_folder
                if app.template_folder.startswith("/")
                else app.root_path + "/" + app.template_folder
            ),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    app.jinja_env.globals.update(can=can, service_name=SERVICE_NAME, csp_nonce=lambda: g.get("csp_nonce", ""))
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = lambda value: clock.local(value).strftime("%H:%M") if value else ""


def format_datetime(value: datetime | None) -> str:
    """A stored UTC time as people read it: 3 March 2026, 14:05 (Europe/London)."""
    if not value:
        return ""
    local = clock.local(value)
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


def format_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = clock.local(cast(datetime, value)).date()  # it has an hour: a datetime
    return f"{value.day} {value:%B %Y}"
