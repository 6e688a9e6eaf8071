"""Who may call the sandbox: staff with ID tokens from its Cognito pool, and the portal
integration with a SigV4 key pair (API Gateway's IAM auth in AWS).

One account per role in the Foundation's tenant, and a registrar of a second tenant to show that
one organisation never sees another's records. Tokens and the key pair are new on every start,
written to .sandbox/tokens.json.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ahaki.http.routes import ALL_ROLES, Role
from infra.sandbox.cognito import CognitoAuthorizer, SandboxPool, add_user, create_pool, new_password, sign_in
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN
from infra.sandbox.sigv4 import SigningKey, SigV4Verifier

FOUNDATION = "foundation"
MHLW = "mhlw"
OTHER_TENANT_REGISTRAR = f"{Role.REGISTRAR.value}@{MHLW}"
PORTAL_ACCESS_KEY = "portal_access_key_id"
PORTAL_SECRET_KEY = "portal_secret_access_key"  # noqa: S105 (the name of a field, not a secret)


@dataclass(frozen=True)
class StaffAccount:
    key: str  # "registrar", "viewer", ..., "registrar@mhlw": its name in tokens.json
    role: Role
    tenant_id: str

    @property
    def username(self) -> str:
        return f"sandbox-{self.role.value}-{self.tenant_id}"


def staff_accounts() -> list[StaffAccount]:
    accounts = [StaffAccount(role.value, role, FOUNDATION) for role in ALL_ROLES]
    accounts.append(StaffAccount(OTHER_TENANT_REGISTRAR, Role.REGISTRAR, MHLW))
    return accounts


class Credentials:
    """The staff ID tokens and the portal key pair, and how the sandbox checks them."""

    def __init__(
        self,
        pool: SandboxPool,
        passwords: Mapping[StaffAccount, str],
        tokens: Mapping[str, str],
        portal_key: SigningKey,
    ) -> None:
        self.pool = pool
        self._passwords = dict(passwords)
        self._tokens = dict(tokens)
        self.portal_key = portal_key
        self.authorizer = CognitoAuthorizer(pool)
        self.portal = SigV4Verifier(portal_key, PORTAL_CALLER_ARN)

    @classmethod
    def issue(cls, prefix: str = "sandbox") -> Credentials:
        """Creates the pool and its accounts in the active (moto) backend and signs each in."""
        pool = create_pool(prefix)
        passwords = {account: new_password() for account in staff_accounts()}
        tokens = {a.key: add_user(pool, a.username, a.role, a.tenant_id, passwords[a]) for a in passwords}
        return cls(pool, passwords, tokens, SigningKey.new())

    def refresh(self) -> None:
        """Signs every account in again: ID tokens expire (one hour in moto, as the pool sets in AWS)."""
        self._tokens = {a.key: sign_in(self.pool, a.username, password) for a, password in self._passwords.items()}

    def by_key(self) -> dict[str, str]:
        """What .sandbox/tokens.json holds: {"registrar": id token, ..., "portal_access_key_id": ...}."""
        return {
            **self._tokens,
            PORTAL_ACCESS_KEY: self.portal_key.access_key_id,
            PORTAL_SECRET_KEY: self.portal_key.secret_access_key,
        }

    def token_of(self, key: str) -> str:
        return self._tokens[key]

    def staff_claims(self, authorization: str | None) -> dict[str, str] | None:
        return self.authorizer.claims(authorization)

    def portal_identity(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> dict[str, Any] | None:
        return self.portal.identity(method, url, headers, body)

    def write(self, path: Path) -> None:
        """Writes the credentials readable by the owner only (the directory is git-ignored)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(self.by_key(), out, indent=2)
            out.write("\n")
        path.chmod(0o600)
