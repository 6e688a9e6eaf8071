"""Identity as AWS issues it: staff ID tokens from the sandbox's Cognito pool, verified as API
Gateway's Cognito authorizer does; the portal integration's SigV4 signature, verified as API
Gateway's IAM authorization does; and what the handlers then receive."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ahaki.http.routes import Role
from infra.sandbox.cognito import SandboxPool, add_user
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN, REGION
from infra.sandbox.events import api_event
from infra.sandbox.server import RunningSandbox
from infra.sandbox.sigv4 import SigningKey, SigV4Verifier, sign
from tests.e2e.conftest import PORTAL, Api

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("sandbox")]

PREFERENCES = "/portal/notification-preferences"
PSEUDONYM = {"X-Portal-Pseudonym-Id": "pp-identity-0001"}


def _payload(token: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return found


def test_staff_tokens_are_id_tokens_of_the_sandbox_pool(sandbox: RunningSandbox) -> None:
    credentials = sandbox.sandbox.tokens
    payload = _payload(sandbox.token("approver"))
    assert payload["token_use"] == "id"
    assert payload["aud"] == credentials.pool.client_id
    assert payload["iss"] == credentials.pool.issuer
    assert payload["cognito:groups"] == [Role.APPROVER.value]
    assert payload["custom:tenant_id"] == "foundation"
    # The pool knows the account: the token is not a forgery of ours.
    user = boto3.client("cognito-idp", region_name=REGION).admin_get_user(
        UserPoolId=credentials.pool.user_pool_id, Username=payload["cognito:username"]
    )
    assert user["UserStatus"] == "CONFIRMED"


def test_the_handler_gets_the_claims_as_api_gateway_passes_them(sandbox: RunningSandbox) -> None:
    claims = sandbox.sandbox.tokens.staff_claims(f"Bearer {sandbox.token('registrar')}")
    assert claims is not None
    assert all(isinstance(value, str) for value in claims.values())
    assert claims["cognito:groups"] == "registrar"
    assert claims["token_use"] == "id"
    assert claims["custom:tenant_id"] == "foundation"
    assert claims["exp"].endswith(" UTC " + claims["exp"][-4:])  # "Thu Dec 03 08:15:00 UTC 2026"
    assert claims["auth_time"].isdigit()


def test_tokens_the_authorizer_refuses(api: Api, sandbox: RunningSandbox) -> None:
    credentials = sandbox.sandbox.tokens
    token = sandbox.token("registrar")
    header, _, signature = token.split(".")
    forged = dict(_payload(token), **{"custom:tenant_id": "mhlw"})
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("="), signature])
    for bad in (tampered, token[:-4] + "AAAA", "not.a.jwt", ""):
        assert credentials.staff_claims(f"Bearer {bad}") is None
        reply = api.call("GET", "/admin/registrants/x", who=None, headers={"Authorization": f"Bearer {bad}"})
        assert reply.status_code == 401
    assert credentials.authorizer.claims(f"Bearer {token}", now=time.time() + 2 * 3600) is None  # expired
    assert credentials.authorizer.claims(f"Bearer {token}") is not None
    assert credentials.staff_claims(token) is None  # no scheme


def test_a_signed_portal_request_reaches_the_handler(api: Api) -> None:
    reply = api.call("GET", PREFERENCES, who=PORTAL, headers=PSEUDONYM)
    assert reply.status_code == 404  # through: the handler answers (no registrant for this pseudonym)
    assert reply.json()["type"].endswith("/not-found")


def test_portal_requests_without_a_valid_signature_are_403(api: Api, sandbox: RunningSandbox) -> None:
    url = sandbox.url + PREFERENCES
    assert api.call("GET", PREFERENCES, who=None, headers=PSEUDONYM).status_code == 403
    staff = api.call("GET", PREFERENCES, who="registrar", headers=PSEUDONYM)
    assert staff.status_code == 403  # a staff token is no IAM signature
    wrong_key = sign(SigningKey.new(), "GET", url, PSEUDONYM, None)
    assert api.http.get(url, headers=wrong_key, timeout=30).status_code == 403
    body = b'{"email": "a@example.jp", "email_opt_in": true}'
    signed = sign(sandbox.sandbox.tokens.portal_key, "PUT", url, {"Content-Type": "application/json"}, body)
    tampered = api.http.put(url, headers={**signed, **PSEUDONYM}, data=body.replace(b"a@", b"b@"), timeout=30)
    assert tampered.status_code == 403


def test_the_signature_is_checked_for_freshness_and_scope() -> None:
    key = SigningKey.new()
    verifier = SigV4Verifier(key, PORTAL_CALLER_ARN)
    url = "http://127.0.0.1:3000/portal/notifications"
    headers = sign(key, "GET", url, {"Host": "127.0.0.1:3000"}, None)
    assert verifier.identity("GET", url, headers, None) is not None
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert verifier.identity("GET", url, headers, None, now=later) is None
    assert verifier.identity("POST", url, headers, None) is None
    assert verifier.identity("GET", url + "?x=1", headers, None) is None


def test_the_handler_reads_the_iam_identity_as_api_gateway_passes_it(sandbox: RunningSandbox) -> None:
    key = sandbox.sandbox.tokens.portal_key
    url = sandbox.url + PREFERENCES
    headers = sign(key, "GET", url, {"Host": url.split("/")[2]}, None)
    identity = sandbox.sandbox.tokens.portal_identity("GET", url, headers, None)
    assert identity is not None
    assert identity["userArn"] == PORTAL_CALLER_ARN
    assert identity["accessKey"] == key.access_key_id
    assert identity["accountId"] == PORTAL_CALLER_ARN.split(":")[4]
    assert identity["caller"].endswith(":" + PORTAL_CALLER_ARN.rsplit("/", 1)[1])
    event = api_event(next(r for r in _portal_routes()), identity=identity)
    assert event["requestContext"]["identity"]["userArn"] == PORTAL_CALLER_ARN
    assert event["requestContext"]["authorizer"] == {}


def _portal_routes() -> list[Any]:
    from ahaki.http.routes import ROUTES, AuthType

    return [r for r in ROUTES if r.auth is AuthType.PORTAL]


def test_curl_signs_portal_requests_the_way_the_walk_through_does(sandbox: RunningSandbox) -> None:
    key = sandbox.sandbox.tokens.portal_key
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", f"aws:amz:{REGION}:execute-api"]
    signed = [
        *command,
        "--user",
        f"{key.access_key_id}:{key.secret_access_key}",
        "-H",
        "X-Portal-Pseudonym-Id: pp-x-0001",
    ]
    url = sandbox.url + PREFERENCES
    assert subprocess.run([*signed, url], capture_output=True, text=True, check=True).stdout == "404"
    put = ["-X", "PUT", "-H", "Content-Type: application/json", "-d", '{"email_opt_in": false}']
    assert subprocess.run([*signed, *put, url], capture_output=True, text=True, check=True).stdout == "404"
    wrong = [*command, "--user", f"{key.access_key_id}:{'x' * 40}", url]
    assert subprocess.run(wrong, capture_output=True, text=True, check=True).stdout == "403"


def test_a_token_for_another_app_client_is_refused(sandbox: RunningSandbox) -> None:
    credentials = sandbox.sandbox.tokens
    other = boto3.client("cognito-idp", region_name=REGION).create_user_pool_client(
        UserPoolId=credentials.pool.user_pool_id,
        ClientName="other",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    token = add_user(
        SandboxPool(credentials.pool.user_pool_id, other), "other-client-user", Role.REGISTRAR, "foundation"
    )
    assert _payload(token)["aud"] == other
    assert credentials.staff_claims(f"Bearer {token}") is None


def test_signing_in_again_gives_new_tokens_the_authorizer_accepts(api: Api, sandbox: RunningSandbox) -> None:
    credentials = sandbox.sandbox.tokens
    before = sandbox.token("viewer")
    credentials.refresh()
    after = sandbox.token("viewer")
    assert after != before
    assert credentials.staff_claims(f"Bearer {after}") is not None
    reply = api.call("POST", "/admin/registrants/search", who="viewer", json={"status": "registered", "limit": 1})
    assert reply.status_code == 200
