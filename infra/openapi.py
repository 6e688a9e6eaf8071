"""The OpenAPI 3.1 document of the staff API, generated from the handlers' own routers.

python -m infra.openapi --write docs/openapi.json   # regenerate
python -m infra.openapi --check docs/openapi.json   # exit 1 when the file has drifted
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tomllib
from importlib import import_module
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "layers" / "ahaki" / "python") not in sys.path:  # run as `python -m infra.openapi`
    sys.path.append(str(ROOT / "layers" / "ahaki" / "python"))

from ahaki.http.request_gate import ID_PATTERN  # noqa: E402
from ahaki.http.resolver import make_resolver  # noqa: E402
from ahaki.http.routes import ROUTES, Function, Route, routes_of  # noqa: E402

TITLE = "Register of anma-massage-shiatsu practitioners: staff API"
SECURITY_SCHEME = "cognitoBearer"
DESCRIPTION = (
    "Staff API of the register (あん摩マッサージ指圧師籍). Every route needs a Cognito ID token "
    "(Authorization: Bearer <JWT>); the groups claim names the role, custom:tenant_id the organisation. "
    "x-ahaki-roles lists the roles that may call an operation. Errors are RFC 9457 application/problem+json."
)


def api_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as source:
        return str(tomllib.load(source)["project"]["version"])


def openapi_document() -> dict[str, Any]:
    """The document, from a resolver built like the functions' (route table, models, validation)."""
    # Every function that serves routes (event-driven ones serve none).
    handlers = [import_module(f"functions.{f.value}.handler") for f in Function if routes_of(f)]

    # include_router points a router at the resolver that includes it: give it copies, so the
    # functions' own routers keep answering to their own resolvers.
    app = make_resolver(*(copy.copy(h.router) for h in handlers))
    text = app.get_openapi_json_schema(
        title=TITLE,
        version=api_version(),
        description=DESCRIPTION,
        security_schemes={
            SECURITY_SCHEME: HTTPBearer(
                bearerFormat="JWT", description="Cognito user-pool ID token, checked by the API Gateway authorizer."
            )
        },
        security=[{SECURITY_SCHEME: []}],
    )
    document: dict[str, Any] = json.loads(text)
    document["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    document["components"]["securitySchemes"]["portalIam"] = {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "AWS SigV4 by the portal integration's IAM role; X-Portal-Pseudonym-Id names the applicant.",
    }
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        operation["x-ahaki-roles"] = sorted(role.value for role in route.roles)
        if route.auth.value == "portal":  # SigV4 by the portal integration's IAM role
            operation["security"] = [{"portalIam": []}]
        _describe_errors(route, operation)
    _drop_unused_schemas(document)
    return document


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; names fields and rules, never echoes a submitted value.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}
# What the route table cannot say: a success status other than 200, and the headers a handler reads.
SUCCESS_STATUS = {
    "register": "201",
    "send_notice": "202",
    "submit_application": "201",
    "start_sync_run": "202",
    "resident_lookup": "202",  # the look-up waits for J-LIS's answer file
}
IF_MATCH_REQUIRED = frozenset({"correct"})
# GETs that answer 409: the stored state, not the request, stands in the way.
GET_CONFLICTS = {
    "get_attachment": "The stored file is not one staff may open yet: a replacement not yet checked, "
    "or a version not scanned clean for malware.",
}
IF_MATCH_OPTIONAL = frozenset(
    {"rewrite_certificate", "reissue_certificate", "erase", "dispose", "relicense", "edit_application"}
)
IDEMPOTENT = frozenset({"submit_application"})


def _header(name: str, required: bool, pattern: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "schema": {"type": "string", "pattern": pattern},
        "description": description,
    }


ETAG_PATTERN = r'^(W/)?"?[0-9]{1,18}"?$'
PSEUDONYM_PATTERN = r"^[A-Za-z0-9_-]{8,128}$"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,128}$"  # tests/unit/http/test_openapi_headers.py pins all three


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _headers_of(route: Route) -> list[dict[str, Any]]:
    """The request headers a handler reads, with the rule it applies (a mismatch is a 400)."""
    found = []
    if route.auth.value == "portal":
        found.append(
            _header(
                "X-Portal-Pseudonym-Id",
                True,
                PSEUDONYM_PATTERN,
                "The applicant's portal_pseudonym_id, sent by the portal integration.",
            )
        )
    if route.operation_id in IDEMPOTENT:
        found.append(
            _header(
                "Idempotency-Key",
                True,
                IDEMPOTENCY_KEY_PATTERN,
                "One key per submission (e.g. a UUID): a retry with the same key and the same JSON "
                "(compared in RFC 8785 canonical form) gets the first answer.",
            )
        )
    if route.operation_id in IF_MATCH_REQUIRED | IF_MATCH_OPTIONAL:
        required = route.operation_id in IF_MATCH_REQUIRED
        found.append(_header("If-Match", required, ETAG_PATTERN, "The ETag of the version this change is based on."))
    return found


def _describe_errors(route: Route, operation: dict[str, Any]) -> None:
    """The responses the API really gives (problem+json), in place of Powertools' defaults.

    Statuses the gateway itself may answer on any route (401, 403, 429, 5xx) are declared on every
    operation, so a client generated from this document expects every answer it can get."""
    responses: dict[str, Any] = operation["responses"]
    success = SUCCESS_STATUS.get(route.operation_id)
    if success is not None and "200" in responses and success not in responses:
        responses[success] = {**responses.pop("200"), "description": "Created" if success == "201" else "Accepted"}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":  # what the request gate lets through; anything else is a 404
            parameter["schema"] = {**parameter["schema"], "pattern": ID_PATTERN, "maxLength": 128}
    headers = _headers_of(route)
    if headers:
        operation["parameters"] = [*operation.get("parameters", []), *headers]
    has_body = "requestBody" in operation
    errors = {
        "401": "No or unknown credentials (answered by the authorizer).",
        "403": "The caller's role may not call this operation, or the token carries no tenant.",
        "404": "No such resource in the caller's organisation (or no registrant for the portal caller).",
        "422": "A field breaks a rule; the problem lists each field by name, never its value.",
        "429": "Too many requests (the gateway's throttling, or a per-person rate limit).",
        "500": "Unexpected error; logged by type only.",
        "503": "Busy or a dependency is unavailable; retry after Retry-After.",
    }
    if has_body or headers:
        errors["400"] = (
            "The body is not JSON this API accepts (malformed, too deep, duplicate keys), or a header breaks its rule."
        )
    if has_body:
        errors["415"] = "The body is not application/json (UTF-8)."
    if route.method != "GET":
        errors["409"] = (
            "Stale If-Match, a state that forbids the operation, a My Number already held, or a key in progress."
        )
    elif route.operation_id in GET_CONFLICTS:
        errors["409"] = GET_CONFLICTS[route.operation_id]
    if route.operation_id in IF_MATCH_REQUIRED:
        errors["428"] = "If-Match is required."
    for status, description in errors.items():
        responses[status] = _problem_response(description)
    operation["responses"] = dict(sorted(responses.items()))


def _drop_unused_schemas(document: dict[str, Any]) -> None:
    schemas: dict[str, Any] = document["components"]["schemas"]
    while True:
        text = json.dumps({k: v for k, v in document.items() if k != "components"}) + json.dumps(schemas)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.openapi", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, metavar="PATH", help="write the document to PATH")
    mode.add_argument("--check", type=Path, metavar="PATH", help="exit 1 if PATH differs from the document")
    args = parser.parse_args(argv)
    text = render(openapi_document())
    if args.write is not None:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
        return 0
    current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
    if current != text:
        print(f"{args.check} is out of date: run `python -m infra.openapi --write {args.check}`", file=sys.stderr)
        return 1
    print(f"{args.check} is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
