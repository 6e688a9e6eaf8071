"""Bearer tokens of the sandbox: what the Cognito authorizer would turn a JWT into, claims.

One random token per role for the Foundation's tenant, and a registrar of a second tenant to show
that one organisation never sees another's records. Tokens are new on every start.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ahaki.http.routes import ALL_ROLES, Role
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN
from infra.sandbox.events import claims

FOUNDATION = "foundation"
MHLW = "mhlw"
OTHER_TENANT_REGISTRAR = f"{Role.REGISTRAR.value}@{MHLW}"
PORTAL = "portal"


@dataclass(frozen=True)
class Identity:
    """A sandbox staff member: the claims API Gateway passes to the handler."""

    key: str  # "registrar", "viewer", ..., "registrar@mhlw", "portal"
    role: Role | None  # None for the portal integration, which signs with IAM instead
    tenant_id: str
    caller_arn: str | None = None

    @property
    def claims(self) -> dict[str, str] | None:
        if self.role is None:
            return None
        return claims(f"sandbox-{self.key}", [self.role.value], self.tenant_id)


class TokenTable:
    def __init__(self, tokens: dict[str, Identity]) -> None:
        self._tokens = dict(tokens)

    @classmethod
    def issue(cls) -> TokenTable:
        identities = [Identity(role.value, role, FOUNDATION) for role in ALL_ROLES]
        identities.append(Identity(OTHER_TENANT_REGISTRAR, Role.REGISTRAR, MHLW))
        # The portal integration: API Gateway's IAM auth in AWS, a token here (issue 3).
        identities.append(Identity(PORTAL, None, FOUNDATION, caller_arn=PORTAL_CALLER_ARN))
        return cls({secrets.token_urlsafe(32): identity for identity in identities})

    def by_key(self) -> dict[str, str]:
        """{"registrar": token, ...}: what .sandbox/tokens.json holds."""
        return {identity.key: token for token, identity in self._tokens.items()}

    def token_of(self, key: str) -> str:
        return self.by_key()[key]

    def identity(self, authorization: str | None) -> Identity | None:
        """The identity behind an ``Authorization: Bearer <token>`` header, or None."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        presented = token.strip().encode()
        found = None
        for known, identity in self._tokens.items():  # constant time per token, no early exit
            if hmac.compare_digest(known.encode(), presented):
                found = identity
        return found

    def write(self, path: Path) -> None:
        """Writes the tokens readable by the owner only (the directory is git-ignored)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(self.by_key(), out, indent=2)
            out.write("\n")
        path.chmod(0o600)
