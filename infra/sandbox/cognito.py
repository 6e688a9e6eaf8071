"""The staff user pool in moto's Cognito, built from ``infra.staff_pool`` (the definition the CDK
stack builds the real pool from), its users created as ``make staff-user`` creates them, and
their ID tokens from AdminInitiateAuth; plus the verification API Gateway's Cognito authorizer
does before a function runs.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ahaki.http.routes import Role
from infra import staff_pool
from infra.sandbox.events import REGION, authorizer_claims
from infra.staff_user import create_staff_user

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.type_defs import SchemaAttributeTypeTypeDef


@dataclass(frozen=True)
class SandboxPool:
    user_pool_id: str
    client_id: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.user_pool_id}"


def create_pool(prefix: str) -> SandboxPool:
    """The pool, its groups and its app client in the active moto backend."""
    client = boto3.client("cognito-idp", region_name=REGION)
    schema: list[SchemaAttributeTypeTypeDef] = [
        {
            "Name": attribute.name,
            "AttributeDataType": "String",
            "Mutable": attribute.mutable,
            "StringAttributeConstraints": {
                "MinLength": str(attribute.min_length),
                "MaxLength": str(attribute.max_length),
            },
        }
        for attribute in staff_pool.CUSTOM_ATTRIBUTES
    ]
    pool_id = client.create_user_pool(
        PoolName=f"{prefix}-staff",
        Schema=schema,
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]["Id"]
    for group in staff_pool.GROUPS:
        client.create_group(
            UserPoolId=pool_id, GroupName=group.role.value, Description=group.description, Precedence=group.precedence
        )
    app_client = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="StaffClient",
        GenerateSecret=False,
        ExplicitAuthFlows=list(staff_pool.AUTH_FLOWS),
        ReadAttributes=list(staff_pool.READ_ATTRIBUTES),
        WriteAttributes=list(staff_pool.WRITE_ATTRIBUTES),
        IdTokenValidity=staff_pool.ID_TOKEN_MINUTES,
        AccessTokenValidity=staff_pool.ACCESS_TOKEN_MINUTES,
        RefreshTokenValidity=staff_pool.REFRESH_TOKEN_HOURS,
        TokenValidityUnits={"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "hours"},
    )["UserPoolClient"]
    return SandboxPool(pool_id, app_client["ClientId"])


def add_user(pool: SandboxPool, username: str, role: Role, tenant: str, password: str | None = None) -> str:
    """Creates the account (as an administrator would), sets its password, signs in; the ID token."""
    client = boto3.client("cognito-idp", region_name=REGION)
    password = password or new_password()
    create_staff_user(
        client,
        pool.user_pool_id,
        username=username,
        email=f"{username}@example.jp",
        role=role,
        tenant=tenant,
        temporary_password=password,
    )
    # The first sign-in's new password, done by the administrator here: no person is waiting.
    client.admin_set_user_password(UserPoolId=pool.user_pool_id, Username=username, Password=password, Permanent=True)
    return sign_in(pool, username, password)


def new_password() -> str:
    return secrets.token_urlsafe(18) + "Aa1!"  # meets the pool's password policy


def sign_in(pool: SandboxPool, username: str, password: str) -> str:
    """AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH): a new ID token."""
    signed_in = boto3.client("cognito-idp", region_name=REGION).admin_initiate_auth(
        UserPoolId=pool.user_pool_id,
        ClientId=pool.client_id,
        AuthFlow=staff_pool.SANDBOX_AUTH_FLOW,
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(signed_in["AuthenticationResult"]["IdToken"])


class CognitoAuthorizer:
    """What API Gateway's COGNITO_USER_POOLS authorizer checks: the signature against the pool's
    JWKS, the issuer, the audience (the app client), token_use "id" and the expiry."""

    def __init__(self, pool: SandboxPool) -> None:
        self._pool = pool
        # The pool's published keys, fetched as any verifier would (moto answers the URL).
        response = requests.get(f"{pool.issuer}/.well-known/jwks.json", timeout=10)
        response.raise_for_status()
        self._keys = KeySet.import_key_set(response.json())

    def claims(self, authorization: str | None, now: float | None = None) -> dict[str, str] | None:
        """The claims the function receives, or None (API Gateway answers 401)."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            decoded = jwt.decode(token.strip(), self._keys, algorithms=["RS256"])
        except (JoseError, ValueError):
            return None
        payload: dict[str, Any] = dict(decoded.claims)
        exp = payload.get("exp")
        if (
            payload.get("iss") != self._pool.issuer
            or payload.get("aud") != self._pool.client_id
            or payload.get("token_use") != "id"
            or not isinstance(exp, int)
            or exp <= (time.time() if now is None else now)
        ):
            return None
        return authorizer_claims(payload)
