"""API Gateway REST proxy events, as the deployed API would send them to the handlers."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ahaki.http.routes import Route


def claims(actor_id: str, groups: list[str], tenant_id: str | None = "foundation") -> dict[str, str]:
    found = {"sub": actor_id, "cognito:groups": ",".join(groups)}
    if tenant_id is not None:
        found["custom:tenant_id"] = tenant_id
    return found


def api_event(
    route: Route,
    path_parameters: dict[str, str] | None = None,
    body: Any = None,
    *,
    claims: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    raw_body: str | None = None,
    caller_arn: str | None = None,
) -> dict[str, Any]:
    """``claims`` for a staff route (Cognito); ``caller_arn`` for a portal route (IAM auth)."""
    params = path_parameters or {}
    path = route.path
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body, ensure_ascii=False))
    return {
        "resource": route.path,
        "path": path,
        "httpMethod": route.method,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route.path,
            "httpMethod": route.method,
            "path": "/prod" + path,
            "stage": "prod",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1", "userArn": caller_arn},
            "authorizer": {"claims": claims} if claims else {},
        },
        "body": text,
        "isBase64Encoded": False,
    }


class FakeLambdaContext:
    """The attributes of a Lambda context that Powertools reads."""

    function_name = "local"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-northeast-1:000000000000:function:local"
    memory_limit_in_mb = 512
    aws_request_id = "local"
    log_group_name = "local"
    log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000
