"""The machine API. Every answer is JSON (CSV for a report's .csv), errors included;
every call is audited (client, endpoint, status, the participants it showed); each
client is rate limited. The OpenAPI description is portal/api/openapi.py."""

from functools import wraps
from urllib.parse import quote

from authlib.integrations.flask_oauth2.signals import client_authenticated
from flask import Blueprint, Response, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from portal.api import api_access, api_referrals, openapi
from portal.errors import exception_headers
from portal.extensions import csrf, db
from portal.models import Organisation
from portal.months import Month
from portal.permissions import API_TOKEN, public
from portal.reporting import report_formats, report_publication
from portal.validation import Problems

bp = Blueprint("api", __name__)
API_PREFIXES = ("/api/", "/oauth/")
csrf.exempt(bp)


@bp.record_once
def _init_oauth(state):
    api_access.init_app(state.app)


def _remember_client(sender, client=None, **extra):
    """The token endpoint's client, once authenticated, for the call's audit event."""
    g.api_client = client


client_authenticated.connect(_remember_client)


def error(status: int, code: str, message: str, headers: dict | None = None, **extra):
    body = {"error": code, "message": message, "reference": g.get("request_id", ""), **extra}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def token_required(scope: str):
    """The view needs a valid bearer token holding ``scope`` (not a staff session)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            try:
                token = api_access.authenticate(scope)
            except api_access.ApiRefused as refused:
                return error(refused.status, refused.error, refused.message, refused.headers)
            g.api_client = token.client
            return view(*args, **kwargs)

        setattr(wrapped, "permission", API_TOKEN)  # read back by portal.web.permission_of (as portal.permissions)
        return wrapped

    return decorator


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error(
        exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description or exc.name, exception_headers(exc)
    )


@bp.after_app_request
def _audit_call(response):
    """One audit event per API call, whatever its outcome (ids and codes only), unknown
    API addresses included."""
    if not request.path.startswith(API_PREFIXES):
        return response
    api_access.record_call(
        g.get("api_client"), request.endpoint, request.method, response.status_code, g.get("api_participant_ids")
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------- OAuth2


@bp.route("/oauth/token", methods=["POST"])
@public
def token():
    return api_access.token_response()


@bp.route("/api/v1/openapi.json")
@public
def openapi_document():
    return jsonify(openapi.document())


# ------------------------------------------------------------------ reports


def _summary(report, current_ids: set[int], superseded_by: dict[int, int]) -> dict:
    return {
        "id": report.id,
        "month": f"{report.month:%Y-%m}",
        "version": report.version,
        "current": report.id in current_ids,
        "published_at": report.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": report.sha256,
        "supersedes_id": report.supersedes_id,
        "superseded_by_id": superseded_by.get(report.id),
        "correction_reason": report.correction_reason,
        "links": {
            "self": url_for("api.report", report_id=report.id),
            "csv": url_for("api.report_csv", report_id=report.id),
        },
    }


@bp.route("/api/v1/reports")
@token_required("reports:read")
def reports():
    if openapi.invalid_parameters("listReports", request.args):
        return error(
            400,
            "invalid_month",
            "Give the month as YYYY-MM, like 2026-03",
            errors=[{"field": "month", "message": "Give the month as YYYY-MM, like 2026-03"}],
        )
    month = Month.parse(request.args["month"]) if "month" in request.args else None
    found = report_publication.published_reports(month)
    everything = found if month is None else report_publication.published_reports()
    superseded_by = {r.supersedes_id: r.id for r in everything if r.supersedes_id}
    current = report_publication.current_ids()
    return jsonify({"reports": [_summary(r, current, superseded_by) for r in found]})


def _published(report_id):
    return report_publication.get_published(report_id)


@bp.route("/api/v1/reports/<int:report_id>")
@token_required("reports:read")
def report(report_id):
    found = _published(report_id)
    if found is None:
        return error(404, "not_found", "No published report has this id")
    later = report_publication.superseded_by(found)
    body = _summary(found, report_publication.current_ids(), {found.id: later.id} if later else {})
    body["document"] = report_publication.document_of(found)
    report_publication.record_read(found, "api.json", client_id=g.api_client.client_id)
    g.api_participant_ids = list(found.participant_ids)
    return jsonify(body)


@bp.route("/api/v1/reports/<int:report_id>.csv")
@token_required("reports:read")
def report_csv(report_id):
    found = _published(report_id)
    if found is None:
        return error(404, "not_found", "No published report has this id")
    body = report_formats.to_csv(report_publication.document_of(found), found.sha256)
    report_publication.record_read(found, "api.csv", client_id=g.api_client.client_id)
    g.api_participant_ids = list(found.participant_ids)
    name = f"atw-mhss-contract-report-{found.month:%Y-%m}-v{found.version}.csv"
    return Response(
        body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Report-SHA256": found.sha256,
        },
    )


# ---------------------------------------------------------------- referrals


def status_url(atw_reference: str) -> str:
    """A referral's status address, its reference one path segment ("/" sent as %2F, as
    the description's single ``{atw_reference}`` parameter reads it; the route takes
    either spelling, since the server decodes %2F before routing)."""
    return f"{url_for('api.send_referral')}/{quote(atw_reference, safe='')}"


def _referral_body(referral, participant, org) -> dict:
    status, since = api_referrals.status_of(participant)
    return {
        "atw_reference": referral.atw_reference,
        "status": status,
        "status_date": since,
        "received_at": participant.referred_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "delivering_organisation": {"slug": org.slug, "name": org.name},
        "links": {"self": status_url(referral.atw_reference)},
    }


@bp.route("/api/v1/referrals", methods=["POST"])
@token_required("referrals:write")
def send_referral():
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        return error(415, "unsupported_media_type", "Send the referral as application/json")
    body = request.get_json(silent=True)
    if body is None and request.get_data(cache=True).strip() != b"null":  # JSON null is a body of the wrong shape (422)
        return error(400, "invalid_json", "The body is not valid JSON")
    try:
        received = api_referrals.receive(g.api_client, body)
    except Problems as problems:
        return error(
            422,
            "validation_failed",
            "The referral has fields that are wrong",
            errors=[{"field": p.field or "body", "message": p.message} for p in problems.problems],
        )
    except api_referrals.Conflict as conflict:
        return error(409, "conflict", conflict.message)
    g.api_participant_ids = [received.participant.id]
    org = db.session.get(Organisation, received.participant.org_id)
    response = jsonify(_referral_body(received.referral, received.participant, org))
    response.status_code = 201 if received.created else 200
    response.headers["Location"] = status_url(received.referral.atw_reference)
    return response


@bp.route("/api/v1/referrals/<path:atw_reference>")
@token_required("referrals:write")
def referral_status(atw_reference):
    found = api_referrals.referral_of(g.api_client, atw_reference)
    if found is None:
        return error(404, "not_found", "This client has sent no referral with this Access to Work reference")
    referral, participant = found
    g.api_participant_ids = [participant.id]
    return jsonify(_referral_body(referral, participant, db.session.get(Organisation, participant.org_id)))
