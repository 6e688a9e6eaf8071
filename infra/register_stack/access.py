"""Who may do what: the hand-written least-privilege grants of every Lambda function.

This is the one place to read (and review) what each function's role allows. Nothing here uses
CDK's ``grant*`` helpers: they add actions (Scan, BatchGetItem, DescribeTable, ReEncrypt...) that
these functions do not need. The infra tests restate these grants independently and compare them
with the synthesized IAM policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ahaki.adapters.schema import (
    APPLICATIONS_TABLE,
    ATTACHMENTS_BUCKET,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    IDEMPOTENCY_TABLE,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
    BucketSpec,
    KeySpec,
    TableSpec,
)
from ahaki.http.routes import Function


@dataclass(frozen=True)
class TableAccess:
    table: TableSpec
    actions: tuple[str, ...]  # on the table itself
    index_actions: tuple[str, ...] = ()  # on each of the table's GSIs (named, never index/*)

    @property
    def writes(self) -> bool:
        return any(action not in READ_ACTIONS for action in self.actions)


@dataclass(frozen=True)
class KeyUse:
    """Direct use of an application key (not a table key): the vault and the blind index."""

    key: KeySpec
    actions: tuple[str, ...]


@dataclass(frozen=True)
class BucketAccess:
    """Object actions on <bucket>/* and, through S3 only, the bucket key's data-key actions."""

    bucket: BucketSpec
    actions: tuple[str, ...]
    key_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionAccess:
    tables: tuple[TableAccess, ...]
    keys: tuple[KeyUse, ...] = ()
    buckets: tuple[BucketAccess, ...] = ()


READ_ACTIONS = frozenset({"dynamodb:GetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"})

# What DynamoDB needs from the caller's identity to use a table's customer-managed key; only
# through DynamoDB (kms:ViaService), so a function can never decrypt with a table key directly.
TABLE_KEY_READ = ("kms:Decrypt", "kms:DescribeKey")
TABLE_KEY_WRITE = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")

# The audit trail is append-only for every function role, whatever it is otherwise allowed.
AUDIT_DENIED = (
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)

_AUDIT_APPEND = TableAccess(
    AUDIT_TABLE,
    actions=("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"),
    index_actions=("dynamodb:Query",),
)

ACCESS: Mapping[Function, FunctionAccess] = {
    Function.REGISTRY_API: FunctionAccess(
        tables=(
            TableAccess(
                REGISTER_TABLE,
                actions=(
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem",
                ),
                index_actions=("dynamodb:Query",),
            ),
            TableAccess(
                VAULT_TABLE,
                actions=(
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:ConditionCheckItem",
                ),
            ),
            _AUDIT_APPEND,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),  # events, in the change's transaction
        ),
        keys=(
            KeyUse(VAULT_KEY, ("kms:Encrypt",)),  # seals a My Number; can never open one
            KeyUse(BLIND_INDEX_KEY, ("kms:GenerateMac",)),
        ),
    ),
    Function.MY_NUMBER_REVEAL: FunctionAccess(
        tables=(
            TableAccess(REGISTER_TABLE, actions=("dynamodb:GetItem",)),
            TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem",)),
            _AUDIT_APPEND,
        ),
        keys=(KeyUse(VAULT_KEY, ("kms:Decrypt",)),),
    ),
    # Issue 3. The portal function seals a new registration's My Number (Encrypt, never Decrypt)
    # and signs the presigned PUTs, so the upload is authorized as this role.
    Function.PORTAL_API: FunctionAccess(
        tables=(
            TableAccess(
                REGISTER_TABLE, actions=("dynamodb:GetItem", "dynamodb:Query"), index_actions=("dynamodb:Query",)
            ),
            TableAccess(VAULT_TABLE, actions=("dynamodb:PutItem",)),  # the pending My Number, in the transaction
            _AUDIT_APPEND,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
            TableAccess(
                APPLICATIONS_TABLE,
                actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
                index_actions=("dynamodb:Query",),
            ),
            TableAccess(
                IDEMPOTENCY_TABLE,
                actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            ),
        ),
        keys=(KeyUse(VAULT_KEY, ("kms:Encrypt",)), KeyUse(BLIND_INDEX_KEY, ("kms:GenerateMac",))),
        buckets=(BucketAccess(ATTACHMENTS_BUCKET, ("s3:PutObject",), ("kms:GenerateDataKey",)),),
    ),
    # Staff decisions: the register operation and the application in one transaction. No KMS key
    # use at all: the pending My Number is moved as ciphertext with its blind index.
    Function.APPLICATION_REVIEW: FunctionAccess(
        tables=(
            TableAccess(
                REGISTER_TABLE,
                actions=(
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem",
                ),
                index_actions=("dynamodb:Query",),
            ),
            TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")),
            _AUDIT_APPEND,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
            TableAccess(
                APPLICATIONS_TABLE,
                actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
                index_actions=("dynamodb:Query",),
            ),
        ),
    ),
    Function.ATTACHMENT_RECEIVED: FunctionAccess(
        tables=(
            _AUDIT_APPEND,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
            TableAccess(APPLICATIONS_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem")),
        ),
        buckets=(BucketAccess(ATTACHMENTS_BUCKET, ("s3:GetObject", "s3:DeleteObject")),),
    ),
}


def access_of(function: Function) -> FunctionAccess:
    try:
        return ACCESS[function]
    except KeyError:
        raise KeyError(f"no grants declared for function {function.value!r}: add it to ACCESS in {__name__}") from None
