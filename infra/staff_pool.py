"""The staff user pool, defined once: the CDK stack, the sandbox's pool in moto and the staff-user
script all read this module, so what the sandbox signs in with is what AWS declares.

The tenant (the administering organisation) is an immutable custom attribute that only an
administrator sets, at account creation; the app client may read it but not write it, so a staff
member can never move themselves into another organisation (docs/adr/0101-tenant-on-the-user-pool.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ahaki.http.auth import GROUPS_CLAIM, TENANT_CLAIM
from ahaki.http.routes import Role

if TYPE_CHECKING:  # the stubs are a development dependency; these are Cognito's own names
    from mypy_boto3_cognito_idp.literals import AuthFlowTypeType, ExplicitAuthFlowsTypeType

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class CustomAttribute:
    name: str  # without the "custom:" prefix, as the pool's schema names it
    min_length: int
    max_length: int
    mutable: bool

    @property
    def claim(self) -> str:
        """The name in the ID token and in API Gateway's claims."""
        return CUSTOM_PREFIX + self.name


TENANT = CustomAttribute(TENANT_CLAIM.removeprefix(CUSTOM_PREFIX), min_length=1, max_length=32, mutable=False)
CUSTOM_ATTRIBUTES: tuple[CustomAttribute, ...] = (TENANT,)
# The same shape the handlers accept (ahaki.http.auth); checked before an account is created.
TENANT_PATTERN = re.compile(rf"[a-z0-9_-]{{{TENANT.min_length},{TENANT.max_length}}}")


@dataclass(frozen=True)
class Group:
    role: Role
    description: str
    precedence: int


_DESCRIPTIONS = {
    Role.REGISTRAR: "Registers and changes records; may reveal a My Number (audited)",
    Role.APPROVER: "Reads records and decides applications (separation of duties)",
    Role.AUDITOR: "Reads the audit trail only; no personal data",
    Role.OPERATOR: "Runs jobs and watches the system; no personal data",
    Role.VIEWER: "Reads records",
}
# Groups are roles: the ID token's cognito:groups is what the handlers check.
GROUPS: tuple[Group, ...] = tuple(
    Group(role, _DESCRIPTIONS.get(role, role.value), precedence) for precedence, role in enumerate(Role)
)
GROUP_CLAIM = GROUPS_CLAIM

# The app client: SRP for people; ADMIN_USER_PASSWORD_AUTH for server-side sign-in with IAM
# credentials (the sandbox, operators' scripts); MFA still applies to both in AWS.
AUTH_FLOWS: tuple[ExplicitAuthFlowsTypeType, ...] = (
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
)
SANDBOX_AUTH_FLOW: AuthFlowTypeType = "ADMIN_USER_PASSWORD_AUTH"
READ_ATTRIBUTES: tuple[str, ...] = ("email", "email_verified", *(a.claim for a in CUSTOM_ATTRIBUTES))
WRITE_ATTRIBUTES: tuple[str, ...] = ("email",)  # never the tenant
ID_TOKEN_MINUTES = 15
ACCESS_TOKEN_MINUTES = 15
REFRESH_TOKEN_HOURS = 10  # one working day; sign in again tomorrow
