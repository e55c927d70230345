"""The OpenAPI 3.1 description of the machine API (``GET /api/v1/openapi.json``).

Written by hand next to the routes it describes (blueprints/api), but for what the API
validates: the Referral schema (``referral_schema``) and the query parameters' schemas
are what the routes check requests against (``parameter_problems``), so the description
and the validation are one truth. The test suite runs Schemathesis against it in-process
with every check, positive and negative data, so a route that answers outside it, or
refuses what it allows, fails there.
"""

from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from portal.api.api_referrals import STATUSES
from portal.models.api_client import SCOPES
from portal.months import MONTH_PATTERN
from portal.referrals import referral_schema

EXAMPLE_REFERRAL = {
    "atw_reference": "ATW-2026-000123",
    "first_name": "Sam",
    "last_name": "Example",
    "date_of_birth": "1985-03-27",
    "ni_number": "AB123456C",
    "email": "sam@example.com",
    "phone": "07700900123",
    "address_line_1": "1 Example Street",
    "town": "Leeds",
    "postcode": "LS1 4AP",
    "occupation": "Analyst",
    "employer": "Example Ltd",
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _secured(scope: str, operation: dict[str, Any]) -> dict[str, Any]:
    operation["security"] = [{"client_credentials": [scope]}]
    operation["responses"].update(
        {
            "401": _error("No valid bearer token"),
            "403": _error(f"The token does not hold the {scope} scope"),
            "429": _error("Too many requests from this client in the current window"),
        }
    )
    return operation


REPORT_SUMMARY = {
    "type": "object",
    "required": [
        "id",
        "month",
        "version",
        "current",
        "published_at",
        "sha256",
        "supersedes_id",
        "superseded_by_id",
        "links",
    ],
    "properties": {
        "id": {"type": "integer"},
        "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
        "version": {"type": "integer", "minimum": 1},
        "current": {"type": "boolean", "description": "Whether this is the month's newest version"},
        "published_at": {"type": "string", "format": "date-time"},
        "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "SHA-256 of the published JSON document, as GET .../reports/{id} gives it",
        },
        "supersedes_id": {"type": ["integer", "null"]},
        "superseded_by_id": {"type": ["integer", "null"]},
        "correction_reason": {"type": "string"},
        "links": {
            "type": "object",
            "required": ["self", "csv"],
            "properties": {"self": {"type": "string"}, "csv": {"type": "string"}},
        },
    },
}


def document() -> dict[str, Any]:
    month_param = {
        "name": "month",
        "in": "query",
        "required": False,
        "description": "Only the reports of this month (YYYY-MM, 2000-01 to 2999-12)",
        "schema": {"type": "string", "pattern": MONTH_PATTERN},
    }
    report_id = {"name": "report_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "AtW MHSS partner portal API",
            "version": "1.0.0",
            "description": (
                "Published DWP contract reports, and referrals from Access to Work. Authenticate with "
                "OAuth2 client credentials at /oauth/token (client_secret_basic or client_secret_post); "
                "tokens last one hour. Every call is audited and each client is rate limited."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/oauth/token": {
                "post": {
                    "operationId": "getToken",
                    "summary": "A bearer token for a client (client credentials grant)",
                    "security": [{"client_basic": []}, {}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["grant_type"],
                                    "properties": {
                                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                                        "scope": {
                                            "type": "string",
                                            "description": "Space-separated; default: every scope of the client",
                                        },
                                        "client_id": {"type": "string", "description": "client_secret_post only"},
                                        "client_secret": {"type": "string", "description": "client_secret_post only"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(_ref("Token"), "A bearer token"),
                        "400": _json(_ref("OAuthError"), "Unsupported grant type, bad request or scope"),
                        "429": _json(_ref("OAuthError"), "Too many requests from this client in the current window"),
                        "401": _json(_ref("OAuthError"), "Client authentication failed"),
                    },
                }
            },
            "/api/v1/reports": {
                "get": _secured(
                    "reports:read",
                    {
                        "operationId": "listReports",
                        "summary": "Published contract reports, newest month first",
                        "parameters": [month_param],
                        "responses": {
                            "200": _json(
                                {
                                    "type": "object",
                                    "required": ["reports"],
                                    "properties": {"reports": {"type": "array", "items": _ref("ReportSummary")}},
                                },
                                "The published versions",
                            ),
                            "400": _error("The month is not YYYY-MM"),
                        },
                    },
                )
            },
            "/api/v1/reports/{report_id}": {
                "get": _secured(
                    "reports:read",
                    {
                        "operationId": "getReport",
                        "summary": "One published report version: its summary and the published JSON document",
                        "parameters": [report_id],
                        "responses": {
                            "200": _json(_ref("Report"), "The report"),
                            "404": _error("No published report with this id"),
                        },
                    },
                )
            },
            "/api/v1/reports/{report_id}.csv": {
                "get": _secured(
                    "reports:read",
                    {
                        "operationId": "getReportCsv",
                        "summary": "One published report version as CSV",
                        "parameters": [report_id],
                        "responses": {
                            "200": {
                                "description": "The report as CSV",
                                "content": {"text/csv": {"schema": {"type": "string"}}},
                            },
                            "404": _error("No published report with this id"),
                        },
                    },
                )
            },
            "/api/v1/referrals": {
                "post": _secured(
                    "referrals:write",
                    {
                        "operationId": "sendReferral",
                        "summary": "Send a referral from Access to Work (idempotent per AtW reference)",
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": _ref("Referral"), "example": EXAMPLE_REFERRAL}},
                        },
                        "responses": {
                            "201": _json(_ref("ReferralStatus"), "Referral taken in"),
                            "200": _json(_ref("ReferralStatus"), "The same referral was already taken in"),
                            "400": _error("The body is not valid JSON"),
                            "409": _error("A different referral, or the service, already holds this reference"),
                            "415": _error("The body is not application/json"),
                            "422": _json(_ref("ValidationError"), "Fields that are wrong, each named"),
                        },
                    },
                )
            },
            "/api/v1/referrals/{atw_reference}": {
                "get": _secured(
                    "referrals:write",
                    {
                        "operationId": "getReferralStatus",
                        "summary": "The status of a referral this client sent",
                        "parameters": [
                            {
                                "name": "atw_reference",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string", "minLength": 1, "maxLength": 60},
                            }
                        ],
                        "responses": {
                            "200": _json(_ref("ReferralStatus"), "Its status"),
                            "404": _error("This client sent no referral with this reference"),
                        },
                    },
                )
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This description",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 description")},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "client_credentials": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": dict(SCOPES)}},
                },
                "client_basic": {"type": "http", "scheme": "basic"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "detail": {"type": "string"},
                        "reference": {"type": "string", "description": "Quote it when asking about this error"},
                        "errors": {
                            "type": "array",
                            "description": "The query parameters that are wrong, each named",
                            "items": {
                                "type": "object",
                                "required": ["field", "message"],
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                            },
                        },
                    },
                },
                "ValidationError": {
                    "type": "object",
                    "required": ["error", "errors"],
                    "properties": {
                        "error": {"const": "validation_failed"},
                        "message": {"type": "string"},
                        "reference": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "required": ["field", "message"],
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                            },
                        },
                    },
                },
                "OAuthError": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
                },
                "Token": {
                    "type": "object",
                    "required": ["access_token", "token_type", "expires_in"],
                    "properties": {
                        "access_token": {"type": "string"},
                        "token_type": {"const": "Bearer"},
                        "expires_in": {"type": "integer"},
                        "scope": {"type": "string"},
                    },
                },
                "ReportSummary": REPORT_SUMMARY,
                "Report": {
                    "allOf": [
                        REPORT_SUMMARY,
                        {
                            "type": "object",
                            "required": ["document"],
                            "properties": {
                                "document": {
                                    "type": "object",
                                    "required": [
                                        "title",
                                        "month",
                                        "version",
                                        "published_at",
                                        "organisations",
                                        "total",
                                        "progress_return",
                                    ],
                                    "description": "The published document; its canonical text is what sha256 is "
                                    "computed over "
                                    "(GET /dwp/reports/{id}.json gives the text itself)",
                                }
                            },
                        },
                    ]
                },
                "Referral": referral_schema.schema(),
                "ReferralStatus": {
                    "type": "object",
                    "required": ["atw_reference", "status", "status_date", "received_at", "delivering_organisation"],
                    "properties": {
                        "atw_reference": {"type": "string"},
                        "status": {"enum": list(STATUSES)},
                        "status_date": {"type": ["string", "null"], "format": "date"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "delivering_organisation": {
                            "type": "object",
                            "required": ["slug", "name"],
                            "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
                        },
                        "links": {"type": "object"},
                    },
                },
            },
        },
    }


def invalid_parameters(operation_id: str, args: Mapping[str, str]) -> list[str]:
    """The query parameters of ``operation_id`` that break the schema the description
    gives them (the very schema served, so the two cannot drift apart)."""
    for item in document()["paths"].values():
        for operation in item.values():
            if operation.get("operationId") == operation_id:
                return [
                    parameter["name"]
                    for parameter in operation.get("parameters", [])
                    if parameter["in"] == "query"
                    and parameter["name"] in args
                    and not jsonschema_rs.is_valid(parameter["schema"], args[parameter["name"]])
                ]
    raise KeyError(operation_id)
