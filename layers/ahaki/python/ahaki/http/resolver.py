"""The API Gateway resolver every function uses: authorization first, problems for every error."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.http import problems, request_gate
from ahaki.http.auth import granted_role, portal_principal_of, principal_of, route_of
from ahaki.http.routes import PORTAL_ROLE, AuthType, Function, Route, powertools_path, routes_of
from ahaki.http.settings import staff_browser
from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import record_refusal
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import DomainError
from ahaki.kernel.wiring import edge_audit

logger = Logger()
ANONYMOUS = "anonymous"
UNKNOWN_TENANT = "unknown"  # refusals of callers without a tenant chain here
_ETAG = re.compile(r'(?:W/)?"?([0-9]{1,18})"?')  # a version; 18 digits stay far below any limit


def caller(app: APIGatewayRestResolver | Router) -> Caller:
    found = app.context.get("caller")
    assert isinstance(found, Caller), "the authorize middleware runs before every route"
    return found


def authorize(
    app: APIGatewayRestResolver, next_middleware: Callable[[APIGatewayRestResolver], Response[Any]]
) -> Response[Any]:
    event = app.current_event
    request_id = event.request_context.request_id or "-"
    route = route_of(event.http_method, event.resource)
    action = route.operation_id if route else "unknown_route"
    subject = (event.path_parameters or {}).get("qualification_pseudonym_id")
    if route is not None and route.auth is AuthType.PORTAL:
        found = _portal_caller(event.raw_event, request_id, action)
    else:
        found = _staff_caller(event.raw_event, route, request_id, action, subject)
    if isinstance(found, Response):
        return found
    app.append_context(caller=found)
    return next_middleware(app)


def _staff_caller(
    raw_event: dict[str, Any], route: Route | None, request_id: str, action: str, subject: str | None
) -> Caller | Response[Any]:
    principal = principal_of(raw_event)
    if principal is None:
        anonymous = Caller(ANONYMOUS, "-", UNKNOWN_TENANT, request_id)
        record_refusal(edge_audit(), anonymous, action, Outcome.UNAUTHENTICATED, subject)
        return problems.problem(HTTPStatus.UNAUTHORIZED, "unauthenticated", "Sign in first.")
    role = granted_role(principal, route) if route else None
    if principal.tenant_id is None or route is None or role is None:
        groups = ",".join(sorted(principal.groups)) or "-"
        refused = Caller(principal.actor_id, groups, principal.tenant_id or UNKNOWN_TENANT, request_id)
        record_refusal(edge_audit(), refused, action, Outcome.DENIED, subject)
        logger.info("request denied", extra={"operation": action, "outcome": "denied"})
        return problems.problem(HTTPStatus.FORBIDDEN, "forbidden", "Your role may not do this.")
    return Caller(principal.actor_id, role.value, principal.tenant_id, request_id)


def _portal_caller(raw_event: dict[str, Any], request_id: str, action: str) -> Caller | Response[Any]:
    portal = portal_principal_of(raw_event)
    if portal is None:
        record_refusal(edge_audit(), Caller(ANONYMOUS, "-", UNKNOWN_TENANT, request_id), action, Outcome.DENIED, None)
        return problems.problem(HTTPStatus.FORBIDDEN, "forbidden", "Only the portal integration may call this.")
    if portal.portal_pseudonym_id is None:
        return problems.problem(
            HTTPStatus.BAD_REQUEST,
            "missing-portal-pseudonym",
            "Send the applicant's portal_pseudonym_id in X-Portal-Pseudonym-Id.",
            field="X-Portal-Pseudonym-Id",
        )
    actor = f"portal:{portal.portal_pseudonym_id}"
    return Caller(actor, PORTAL_ROLE, portal.tenant_id, request_id, portal_pseudonym_id=portal.portal_pseudonym_id)


def _gate(
    app: APIGatewayRestResolver, next_middleware: Callable[[APIGatewayRestResolver], Response[Any]]
) -> Response[Any]:
    """Ids that can be ids, and for a route that takes a body, JSON it can parse (request_gate.py)."""
    refused = request_gate.path_refusal(app.current_event)
    route = app.context.get("_route")
    if refused is None and route is not None and route.dependant.body_params:
        refused = request_gate.body_refusal(app.current_event)
    return refused if refused is not None else next_middleware(app)


def _json(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def staff_cors() -> CORSConfig | None:
    """CORS headers for the staff browser origins the stack allows (none: no CORS headers)."""
    origins = staff_browser().allowed_origins
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=list(origins[1:]),
        allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
        expose_headers=["ETag", "Location"],
        max_age=3600,
    )


def make_resolver(*routers: Router) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(
        cors=staff_cors(),
        enable_validation=True,
        response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
        serializer=_json,
    )
    # Authorize before Powertools validates the body: a caller without the role must learn nothing,
    # not even which fields are wrong. Powertools always runs its request validation first, so we
    # put authorization in front of it (pinned by tests/integration/http/test_authorization.py).
    validate = app._request_validation_middleware

    def authorize_then_validate(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
        return authorize(app, lambda app: _gate(app, lambda app: validate(app, next_middleware)))

    app._request_validation_middleware = authorize_then_validate  # type: ignore[assignment]
    for router in routers:
        app.include_router(router)

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response[Any]:
        logger.info("request refused", extra={"error": type(error).__name__})
        return problems.from_domain(error)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[Any]:
        logger.info("invalid request", extra={"error": "validation", "fields": len(error.errors())})
        return problems.from_validation(error.errors())

    @app.not_found
    def _no_route(_: Exception) -> Response[Any]:
        return problems.problem(HTTPStatus.NOT_FOUND, "no-such-route", "There is no such route.")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[Any]:
        # The type only: messages and tracebacks of deeper libraries may quote personal data.
        logger.error("unexpected error", extra={"error": type(error).__name__})
        return problems.problem(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "Something went wrong; it was logged.")

    return app


def serve(function: Function, router: Router, operations: Mapping[str, Any]) -> APIGatewayRestResolver:
    """The resolver of one function: each of its routes in the route table bound to the operation
    of the same id, so a route missing its operation fails at import, not at request time."""
    for route in routes_of(function):
        bind = router.route(powertools_path(route.path), route.method, operation_id=route.operation_id)
        bind(operations[route.operation_id])
    return make_resolver(router)


def lambda_handler_for(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    @logger.inject_lambda_context(log_event=False)  # never the event: it holds personal data
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return lambda_handler


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def if_match(app: APIGatewayRestResolver | Router, *, required: bool = False) -> int | None:
    """The version in an If-Match header ("3" or W/"3"); a malformed one is a 400."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    raw = headers.get("if-match")
    if raw is None:
        if required:
            raise problems.IfMatchRequired("Send If-Match with the ETag of the version you corrected.")
        return None
    found = _ETAG.fullmatch(raw.strip())
    if found is None:  # str.isdigit() would take "²", which int() refuses: ASCII digits only
        raise problems.MalformedHeader('If-Match must carry the ETag of the registrant, e.g. "3".', field="If-Match")
    return int(found.group(1))
