"""The vault key's own policy: only the roles that open My Numbers may decrypt with it.

Identity policies already grant Decrypt to those roles alone, but the key's default statement
(the account root, kms:*) lets any administrator grant themselves Decrypt through IAM. An
explicit Deny in the key policy holds whatever IAM says; the root keeps administering the key.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms


def deny_decrypt_except(key: kms.Key, role_arns: Iterable[str]) -> None:
    """``role_arns`` are built from the roles' names (contexts.role_arn): the roles live in the
    contexts' stacks, which need the key, so the key's policy cannot refer to them."""
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="OnlyTheRolesThatOpenMyNumbersMayDecrypt",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["kms:Decrypt"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions={"ArnNotEquals": {"aws:PrincipalArn": list(role_arns)}},
        )
    )
