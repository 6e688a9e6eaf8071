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

from ahaki.http.resolver import make_resolver  # noqa: E402
from ahaki.http.routes import ROUTES, WRITERS, Function, Route, routes_of  # noqa: E402

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
        if route.auth.value == "portal":  # issue 3: SigV4 by the portal integration's IAM role
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
# What the route table cannot say: a success status other than 200.
SUCCESS_STATUS = {"register": "201", "send_notice": "202", "submit_application": "201"}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _describe_errors(route: Route, operation: dict[str, Any]) -> None:
    """The error responses the API really gives (problem+json), in place of Powertools' defaults."""
    responses: dict[str, Any] = operation["responses"]
    success = SUCCESS_STATUS.get(route.operation_id)
    if success is not None and "200" in responses and success not in responses:
        responses[success] = {**responses.pop("200"), "description": "Created" if success == "201" else "Accepted"}
    errors = {
        "401": "No or unknown bearer token (answered by the authorizer).",
        "403": "The caller's role may not call this operation, or the token carries no tenant.",
        "422": "A field breaks a rule; the problem lists each field.",
        "500": "Unexpected error; logged by type only.",
    }
    if "requestBody" in operation:
        errors["400"] = "The body is not valid JSON."
    if "{" in route.path:
        errors["404"] = "No such registrant in the caller's organisation."
    if route.method != "GET" and route.roles == WRITERS and route.operation_id != "reveal_my_number":
        errors["409"] = "Stale If-Match, a state that does not allow the operation, or a My Number already held."
    if route.operation_id == "correct":
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
