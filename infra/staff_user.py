"""Create a staff account with its role and tenant in the real user pool (administrators only).

    make staff-user ARGS="--user-pool-id ap-northeast-1_XXXX --username yamada.h \\
        --email yamada.h@example.jp --role registrar --tenant foundation"

Cognito e-mails a temporary password; at first sign-in the person sets a password and an
authenticator app (MFA is required). The tenant is immutable: a person who moves to another
organisation gets a new account. Needs AWS credentials allowed cognito-idp:AdminCreateUser and
AdminAddUserToGroup on the pool. The sandbox creates its users with the same function.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import boto3

from ahaki.http.routes import Role
from infra import staff_pool


def staff_attributes(email: str, tenant: str) -> list[dict[str, str]]:
    """The attributes an administrator sets on a staff account; each is declared on the pool."""
    return [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": staff_pool.TENANT.claim, "Value": tenant},
    ]


def create_staff_user(
    client: Any,
    user_pool_id: str,
    *,
    username: str,
    email: str,
    role: Role,
    tenant: str,
    temporary_password: str | None = None,
) -> None:
    """AdminCreateUser with the tenant, then AdminAddUserToGroup for the role.

    Without ``temporary_password`` Cognito generates one and e-mails the invitation; with one
    (the sandbox) no message is sent.
    """
    if not staff_pool.TENANT_PATTERN.fullmatch(tenant):
        raise ValueError(f"tenant must match {staff_pool.TENANT_PATTERN.pattern}")
    kwargs: dict[str, Any] = {"DesiredDeliveryMediums": ["EMAIL"]}
    if temporary_password is not None:
        kwargs = {"TemporaryPassword": temporary_password, "MessageAction": "SUPPRESS"}
    client.admin_create_user(
        UserPoolId=user_pool_id, Username=username, UserAttributes=staff_attributes(email, tenant), **kwargs
    )
    client.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=role.value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make staff-user", description="Create a staff account in the user pool.")
    parser.add_argument("--user-pool-id", required=True, help="the stack's UserPoolId output")
    parser.add_argument("--username", required=True)
    parser.add_argument("--email", required=True, help="where Cognito sends the temporary password")
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--tenant", required=True, help="the organisation, e.g. foundation or mhlw")
    parser.add_argument("--region", default=None, help="default: the AWS configuration's region")
    args = parser.parse_args(argv)
    client = boto3.client("cognito-idp", region_name=args.region)
    try:
        create_staff_user(
            client,
            args.user_pool_id,
            username=args.username,
            email=args.email,
            role=Role(args.role),
            tenant=args.tenant,
        )
    except ValueError as error:
        print(f"staff-user: {error}", file=sys.stderr)
        return 2
    except client.exceptions.UsernameExistsException:
        print("staff-user: that username exists already", file=sys.stderr)
        return 1
    print(f"created {args.username} ({args.role}, tenant {args.tenant}); Cognito e-mailed the temporary password")
    return 0


if __name__ == "__main__":
    sys.exit(main())
