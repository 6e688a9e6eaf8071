"""Handlers called with API Gateway events against moto, as in AWS but in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import boto3
import pytest

from ahaki.adapters.wiring import ports
from ahaki.http.routes import ROUTES, Role, Route
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN, REGION, EmulatedAws, emulated_aws, reset_tables
from infra.sandbox.events import FakeLambdaContext, api_event, claims
from tests.data import registration

BY_OPERATION: dict[str, Route] = {r.operation_id: r for r in ROUTES}


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
    ports.cache_clear()
    yield aws_session
    ports.cache_clear()


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
        params: dict[str, str] | None = None,
        portal: str | None = None,
    ) -> Reply:
        route = BY_OPERATION[operation_id]
        params = params or ({"qualification_pseudonym_id": qid} if qid else None)
        who = claims(actor, [role], tenant) if role and not portal else None
        if portal:  # the portal integration (IAM) acting for the applicant with this pseudonym
            headers = {"X-Portal-Pseudonym-Id": portal, **(headers or {})}
        arn = PORTAL_CALLER_ARN if portal else None
        event = api_event(route, params, body, claims=who, headers=headers, raw_body=raw_body, caller_arn=arn)
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
