"""Error pages with a reference id and never a stack trace; JSON for the API."""

import logging
from typing import Any, cast

from flask import Flask, Response, g, jsonify, make_response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: "There is a problem with the request",
    401: "You need to sign in",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This page does not accept that request",
    413: "The file or form is too large",
    415: "Unsupported content type",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/oauth/", "/healthz"))


def exception_headers(error: HTTPException) -> dict[str, str]:
    """The headers an HTTP error carries beside its body: ``Allow`` on a 405 (RFC 9110
    requires it), ``Retry-After`` on a 429 or 503, ``WWW-Authenticate`` on a 401. Every
    error page or JSON error keeps them, whatever body it is given instead of Werkzeug's."""
    return {
        name: value for name, value in error.get_headers() if name.lower() not in ("content-type", "content-length")
    }


def render_error(code: int, description: str | None = None, headers: dict[str, str] | None = None) -> Response:
    reference = g.get("request_id", "")
    if _wants_json():
        body: dict[str, Any] = {"error": TITLES.get(code, "Error"), "reference": reference}
        if description:
            body["detail"] = description
        response = make_response(jsonify(body), code)
    else:
        response = make_response(
            render_template(
                "errors/error.html",
                code=code,
                title=TITLES.get(code, "Error"),
                description=description,
                reference=reference,
            ),
            code,
        )
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> WerkzeugResponse:
        if error.code == 401 and not _wants_json():
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if error.code in (301, 302, 303, 307, 308):
            return error.get_response()
        description = (
            error.description
            if error.code in (400, 413, 415)  # Werkzeug describes these codes
            and not cast(str, error.description).startswith(("The browser", "The server", "The data value"))
            else None
        )
        return render_error(error.code or 500, description, exception_headers(error))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error, reference %s", g.get("request_id"))
        return render_error(500)
