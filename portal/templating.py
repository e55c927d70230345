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
    app.jinja_env.globals.update(
        can=can, service_name=SERVICE_NAME, csp_nonce=lambda: g.get("csp_nonce", ""), page_numbers=page_numbers
    )
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


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page links a pager shows: the first and last pages, and ``around`` pages each
    side of the current one; None where two or more pages are left out (an ellipsis).
    However many pages there are, at most ``2 * around + 5`` items (GOV.UK pagination)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        before = numbers[-1] if numbers else None
        if before is not None and n - before == 2:
            numbers.append(n - 1)  # an ellipsis never stands for one page
        elif before is not None and n - before > 2:
            numbers.append(None)
        numbers.append(n)
    return numbers
