"""API Gateway's AWS_IAM authorization, emulated: a request signed with Signature Version 4 by the
sandbox's key pair is the portal integration's role; anything else is refused (403, as AWS does).

The signature is recomputed with botocore's own signer over exactly the headers the client
signed, so curl --aws-sigv4, botocore and any SDK are checked the way AWS checks them.
"""

from __future__ import annotations

import hmac
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import SIGV4_TIMESTAMP, UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from infra.sandbox.events import REGION, iam_identity

SERVICE = "execute-api"
ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)  # AWS refuses a signature older or newer than this
_AUTHORIZATION = re.compile(
    ALGORITHM
    + r"\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]{64})"
)


@dataclass(frozen=True)
class SigningKey:
    access_key_id: str
    secret_access_key: str

    @classmethod
    def new(cls) -> SigningKey:
        """A random key pair shaped like an IAM access key (new on every start)."""
        upper = string.ascii_uppercase + string.digits
        access = "AKIA" + "".join(secrets.choice(upper) for _ in range(16))
        return cls(access, secrets.token_urlsafe(30)[:40])


class _OverSignedHeaders(SigV4Auth):
    """botocore's signer, restricted to the headers the request says it signed."""

    def __init__(self, credentials: Credentials, signed: list[str]) -> None:
        super().__init__(credentials, SERVICE, REGION)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            chosen[name] = request.headers.get(name, "")
        return chosen


class SigV4Verifier:
    def __init__(self, key: SigningKey, caller_arn: str) -> None:
        self._key = key
        self._caller_arn = caller_arn

    def identity(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, now: datetime | None = None
    ) -> dict[str, Any] | None:
        """requestContext.identity for a valid signature by the sandbox key, else None."""
        lower = {k.lower(): v for k, v in headers.items()}
        found = _AUTHORIZATION.fullmatch(lower.get("authorization", "").strip())
        stamp = lower.get("x-amz-date", "")
        if found is None or not _fresh(stamp, now or datetime.now(UTC)):
            return None
        access_key, _, scope = found["credential"].partition("/")
        if not hmac.compare_digest(access_key, self._key.access_key_id):
            return None
        if scope != f"{stamp[:8]}/{REGION}/{SERVICE}/aws4_request":
            return None
        signed = found["signed"].split(";")
        if "host" not in signed or any(name not in lower for name in signed):
            return None
        declared = lower.get("x-amz-content-sha256")
        if declared not in (None, UNSIGNED_PAYLOAD) and declared != sha256(body or b"").hexdigest():
            return None
        request = AWSRequest(method=method.upper(), url=url, headers={n: lower[n] for n in signed}, data=body or b"")
        request.context["timestamp"] = stamp
        signer = _OverSignedHeaders(Credentials(self._key.access_key_id, self._key.secret_access_key), signed)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        if not hmac.compare_digest(expected, found["sig"]):
            return None
        return iam_identity(self._caller_arn, access_key)


def _fresh(stamp: str, now: datetime) -> bool:
    try:
        signed_at = datetime.strptime(stamp, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        return False
    return abs(now - signed_at) <= MAX_SKEW


def sign(key: SigningKey, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, str]:
    """The headers of a request signed as the portal integration would sign it (tests, seeding)."""
    named = {k.lower() for k in headers}
    host = {} if "host" in named else {"Host": urlsplit(url).netloc}  # signed, so it must be sent
    request = AWSRequest(method=method.upper(), url=url, headers={**headers, **host}, data=body or b"")
    SigV4Auth(Credentials(key.access_key_id, key.secret_access_key), SERVICE, REGION).add_auth(request)
    return {str(k): str(v) for k, v in request.headers.items()}
