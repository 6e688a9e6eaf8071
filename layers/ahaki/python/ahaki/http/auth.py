"""Who is calling: the staff member from the authorizer's claims, checked against the route table.

API Gateway's Cognito authorizer has already refused unknown tokens; the handler checks the role
again (defence in depth) so a misrouted or misconfigured method can never open a door.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ahaki.http.routes import ROUTES, Role, Route
from ahaki.http.settings import portal_caller

TENANT_CLAIM = "custom:tenant_id"
GROUPS_CLAIM = "cognito:groups"
_TENANT = re.compile(r"[a-z0-9_-]{1,32}")
PORTAL_PSEUDONYM_HEADER = "x-portal-pseudonym-id"
_PSEUDONYM = re.compile(r"[A-Za-z0-9_-]{8,128}")


@dataclass(frozen=True)
class Principal:
    actor_id: str
    groups: frozenset[str]
    tenant_id: str | None


def principal_of(event: dict[str, Any]) -> Principal | None:
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        return None
    tenant = claims.get(TENANT_CLAIM)
    return Principal(
        actor_id=sub,
        groups=_groups(claims.get(GROUPS_CLAIM)),
        tenant_id=tenant if isinstance(tenant, str) and _TENANT.fullmatch(tenant) else None,
    )


def _groups(raw: object) -> frozenset[str]:
    # REST API authorizers flatten the groups array into a string: "a,b" or "[a, b]".
    if isinstance(raw, list):
        return frozenset(str(g) for g in raw)
    if isinstance(raw, str):
        return frozenset(g for g in re.split(r"[\s,\[\]]+", raw) if g)
    return frozenset()


def route_of(method: str, resource: str) -> Route | None:
    return next((r for r in ROUTES if r.method == method.upper() and r.path == resource), None)


def granted_role(principal: Principal, route: Route) -> Role | None:
    """The role under which the principal may call the route, or None (deny by default)."""
    return next((role for role in sorted(route.roles) if role.value in principal.groups), None)


@dataclass(frozen=True)
class PortalPrincipal:
    """The portal integration, acting for the citizen it names by portal_pseudonym_id."""

    caller_arn: str
    portal_pseudonym_id: str | None  # None when the header is missing or malformed
    tenant_id: str


def portal_principal_of(event: dict[str, Any]) -> PortalPrincipal | None:
    """The portal integration when API Gateway's IAM auth identified one of its roles, else None.

    The integration's role ARN patterns and its tenant come from ``PortalCallerSettings``.
    """
    identity = (event.get("requestContext") or {}).get("identity") or {}
    arn = identity.get("userArn")
    settings = portal_caller()
    if not isinstance(arn, str) or not any(fnmatchcase(arn, p) for p in settings.caller_arns):
        return None
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    pseudonym = headers.get(PORTAL_PSEUDONYM_HEADER)
    valid = isinstance(pseudonym, str) and _PSEUDONYM.fullmatch(pseudonym) is not None
    return PortalPrincipal(
        caller_arn=arn,
        portal_pseudonym_id=pseudonym if valid else None,
        tenant_id=settings.tenant_id,
    )
