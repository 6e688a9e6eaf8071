"""The kinds of grant a function's declaration is made of, and the grants several contexts share.

Each context declares its functions' grants in its own file (``contexts/<context>.py``) from
these kinds; ``access.ACCESS`` gathers them. Nothing here uses CDK's ``grant*`` helpers: they add
actions (Scan, BatchGetItem, DescribeTable, ReEncrypt...) that these functions do not need. The
infra tests restate the grants independently and compare them with the synthesized IAM policies.
"""

from __future__ import annotations

from dataclasses import dataclass

from ahaki.kernel.specs import AUDIT_TABLE, OUTBOX_TABLE, REGISTER_TABLE, BucketSpec, KeySpec, TableSpec


@dataclass(frozen=True)
class TableAccess:
    table: TableSpec
    actions: tuple[str, ...]  # on the table itself
    index_actions: tuple[str, ...] = ()  # on each of the table's GSIs (named, never index/*)
    stream_actions: tuple[str, ...] = ()  # on the table's stream (the outbox relay)

    @property
    def writes(self) -> bool:
        return any(action not in READ_ACTIONS for action in self.actions)


@dataclass(frozen=True)
class KeyUse:
    """Direct use of an application key (not a table key): the vault and the blind index."""

    key: KeySpec
    actions: tuple[str, ...]


@dataclass(frozen=True)
class MessagingUse:
    """Use of a bus, queue, topic or e-mail identity of the Messaging construct, by logical id."""

    resource: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class BucketAccess:
    """Object actions on <bucket>/* and, through S3 only, the bucket key's data-key actions."""

    bucket: BucketSpec
    actions: tuple[str, ...]
    key_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceUse:
    """Use of a resource built after the functions (the J-LIS exchange, the sync queue, the
    planner), by the name its context offers it under (``Functions.grant_declared``)."""

    resource: str  # e.g. "SyncQueue", "ExchangeKey", "JlisExchangeBucket/outbound/*"
    actions: tuple[str, ...]


@dataclass(frozen=True)
class FunctionAccess:
    tables: tuple[TableAccess, ...]
    keys: tuple[KeyUse, ...] = ()
    messaging: tuple[MessagingUse, ...] = ()
    buckets: tuple[BucketAccess, ...] = ()
    late: tuple[ResourceUse, ...] = ()  # granted by the context's build, once those resources exist


READ_ACTIONS = frozenset({"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"})

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

# Records are put on a free position of their chain and read by chain (Query): never one by one.
AUDIT_APPEND = TableAccess(AUDIT_TABLE, actions=("dynamodb:PutItem", "dynamodb:Query"))
# The resident-register functions also count a caller's recent look-ups (residents/adapters/query_log.py).
AUDIT_APPEND_AND_COUNT = TableAccess(
    AUDIT_TABLE, actions=("dynamodb:PutItem", "dynamodb:Query"), index_actions=("dynamodb:Query",)
)
# Domain events, in the transaction of the change they announce.
OUTBOX_APPEND = TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",))

# Queues are encrypted with MessagingKey or ExchangeKey; SEND on a queue = SendMessage
# (SendMessageBatch is authorised by it).
SQS_CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")
SQS_SEND = ("sqs:SendMessage",)

# A registration and every later change: reads of the current record, snapshot and history, and
# UpdateItem on the registration-number sequence (registry/adapters/sequence.py).
REGISTER_REGISTRATION = TableAccess(
    REGISTER_TABLE,
    actions=(
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ),
    index_actions=("dynamodb:Query",),
)
