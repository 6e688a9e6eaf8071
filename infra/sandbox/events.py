"""API Gateway REST proxy events, as the deployed API would send them to the handlers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

from ahaki.http.auth import GROUPS_CLAIM, TENANT_CLAIM
from ahaki.http.routes import Route

ACCOUNT_ID = "000000000000"
REGION = "ap-northeast-1"
_POOL_ID = f"{REGION}_sandbox"
_CLIENT_ID = "sandbox-staff-client"
# API Gateway writes these two time claims as dates, the others as the token's numbers.
_DATE_CLAIMS = frozenset({"exp", "iat"})


def authorizer_claims(payload: Mapping[str, Any]) -> dict[str, str]:
    """A verified ID token's payload as API Gateway's REST Cognito authorizer hands it to the
    function (requestContext.authorizer.claims): every value a string, an array (cognito:groups)
    joined with commas, booleans "true"/"false", exp and iat as "Tue Apr 04 18:39:39 UTC 2023"."""
    found: dict[str, str] = {}
    for name, value in payload.items():
        if isinstance(value, bool):
            found[name] = "true" if value else "false"
        elif isinstance(value, list):
            found[name] = ",".join(str(item) for item in value)
        elif name in _DATE_CLAIMS and isinstance(value, int):
            found[name] = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
        else:
            found[name] = str(value)
    return found


def id_token_payload(actor_id: str, groups: list[str], tenant_id: str | None, now: int | None = None) -> dict[str, Any]:
    """What a Cognito ID token of the staff pool carries (for events built without a sign-in);
    ``now`` fixes the times and token ids (sample event files)."""
    now = int(time.time()) if now is None else now
    payload: dict[str, Any] = {
        "sub": actor_id,
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{_POOL_ID}",
        "aud": _CLIENT_ID,
        "token_use": "id",
        "auth_time": now,
        "iat": now,
        "exp": now + 900,
        "jti": str(uuid.uuid5(uuid.NAMESPACE_URL, f"jti:{actor_id}:{now}")),
        "origin_jti": str(uuid.uuid5(uuid.NAMESPACE_URL, f"origin:{actor_id}:{now}")),
        "cognito:username": actor_id,
        "email": f"{actor_id}@example.jp",
        "email_verified": True,
    }
    if groups:  # Cognito leaves the claim out for a user in no group
        payload[GROUPS_CLAIM] = list(groups)
    if tenant_id is not None:
        payload[TENANT_CLAIM] = tenant_id
    return payload


def claims(
    actor_id: str, groups: list[str], tenant_id: str | None = "foundation", *, now: int | None = None
) -> dict[str, str]:
    """The authorizer claims of a staff member, through the same conversion the sandbox applies
    to the ID tokens its Cognito pool issues."""
    return authorizer_claims(id_token_payload(actor_id, groups, tenant_id, now))


def iam_identity(user_arn: str, access_key: str, source_ip: str = "127.0.0.1") -> dict[str, Any]:
    """requestContext.identity as API Gateway fills it for a SigV4-signed (AWS_IAM) request by an
    assumed role: caller and user are "<role id>:<session>", userArn the assumed-role ARN."""
    session = user_arn.rsplit("/", 1)[-1]
    role_id = "AROA" + uuid.uuid5(uuid.NAMESPACE_URL, user_arn.rsplit("/", 1)[0]).hex[:17].upper()
    return {
        "accessKey": access_key,
        "accountId": user_arn.split(":")[4] or ACCOUNT_ID,
        "caller": f"{role_id}:{session}",
        "user": f"{role_id}:{session}",
        "userArn": user_arn,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": source_ip,
        "userAgent": "sandbox",
    }


def _no_iam_identity() -> dict[str, Any]:
    """The identity block of a request not signed with IAM: the same keys, null."""
    found: dict[str, Any] = dict.fromkeys(iam_identity("arn:aws:sts::0:assumed-role/r/s", "-"))
    found.update(sourceIp="127.0.0.1", userAgent="sandbox")
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
    identity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``claims`` for a staff route (Cognito); ``identity`` (or only ``caller_arn``) for a portal
    route (IAM auth)."""
    if identity is None:
        identity = iam_identity(caller_arn, "ASIASANDBOXPORTAL") if caller_arn else _no_iam_identity()
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
            "identity": identity,
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
