"""Handlers called with API Gateway events against moto, as in AWS but in-process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import boto3
import pytest

from ahaki.http.routes import ROUTES, Role, Route
from ahaki.kernel.components import reset
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN, REGION, EmulatedAws, emulated_aws, reset_tables
from infra.sandbox.events import FakeLambdaContext, api_event, claims
from tests.data import registration

BY_OPERATION: dict[str, Route] = {r.operation_id: r for r in ROUTES}
PORTAL_HEADER = "X-Portal-Pseudonym-Id"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def etag(self) -> str:
        return self.headers["ETag"]


@pytest.fixture(scope="session")
def aws_session() -> Iterator[EmulatedAws]:
    with emulated_aws() as resources:
        yield resources


@pytest.fixture
def aws(aws_session: EmulatedAws) -> Iterator[EmulatedAws]:
    reset_tables(aws_session)
    reset()  # a new execution environment: settings, clients and the fake J-LIS made again
    yield aws_session
    reset()


class Api:
    """Calls a route the way API Gateway would, as a given role of a given tenant."""

    def __init__(self, resources: EmulatedAws) -> None:
        self.resources = resources

    def call(
        self,
        operation_id: str,
        qid: str | None = None,
        body: Any = None,
        *,
        role: str | None = Role.REGISTRAR,
        tenant: str | None = "foundation",
        headers: dict[str, str] | None = None,
        raw_body: str | None = None,
        actor: str = "staff-1",
        portal: str | None = None,  # a portal route, for this portal_pseudonym_id (IAM caller)
        params: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> Reply:
        route = BY_OPERATION[operation_id]
        if qid:  # the route's one path parameter (qualification_pseudonym_id, finding_id, run_id)
            params = {re.findall(r"\{(\w+)\}", route.path)[0]: qid}
        who = claims(actor, [role], tenant) if role and portal is None else None
        arn = PORTAL_CALLER_ARN if portal is not None else None
        headers = {**(headers or {}), **({PORTAL_HEADER: portal} if portal else {})}
        event = api_event(
            route, params, body, claims=who, headers=headers, raw_body=raw_body, caller_arn=arn, query=query
        )
        handler = import_module(f"functions.{route.function.value}.handler")
        result = handler.lambda_handler(event, FakeLambdaContext())
        found_headers = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
        found_headers.update(result.get("headers") or {})
        text = result.get("body") or ""
        return Reply(result["statusCode"], found_headers, json.loads(text) if text else None)

    def register(self, **overrides: Any) -> dict[str, Any]:
        reply = self.call("register", body=registration(**overrides))
        assert reply.status == 201, reply.body
        return dict(reply.body)

    def items(self, logical_id: str) -> list[dict[str, Any]]:
        client = boto3.client("dynamodb", region_name=REGION)
        name = self.resources.table_names[logical_id]
        return list(client.scan(TableName=name)["Items"])


@pytest.fixture
def api(aws: EmulatedAws) -> Api:
    return Api(aws)
