"""Who may do what: the hand-written least-privilege grants of every Lambda function.

This is the one place to read (and review) what each function's role allows. Nothing here uses
CDK's ``grant*`` helpers: they add actions (Scan, BatchGetItem, DescribeTable, ReEncrypt...) that
these functions do not need. The infra tests restate these grants independently and compare them
with the synthesized IAM policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ahaki.http.routes import Function
from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    ATTACHMENTS_BUCKET,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    CONTACT_TABLE,
    DELIVERY_TABLE,
    IDEMPOTENCY_TABLE,
    INBOX_TABLE,
    NOTICE_TABLE,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    SYNC_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
    BucketSpec,
    KeySpec,
    TableSpec,
)


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
    planner), by the name its construct offers it under (``Functions.grant_declared``)."""

    resource: str  # e.g. "SyncQueue", "ExchangeKey", "JlisExchangeBucket/outbound/*"
    actions: tuple[str, ...]


@dataclass(frozen=True)
class FunctionAccess:
    tables: tuple[TableAccess, ...]
    keys: tuple[KeyUse, ...] = ()
    messaging: tuple[MessagingUse, ...] = ()
    buckets: tuple[BucketAccess, ...] = ()
    late: tuple[ResourceUse, ...] = ()  # granted by the construct that builds those resources


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
_AUDIT_APPEND = TableAccess(AUDIT_TABLE, actions=("dynamodb:PutItem", "dynamodb:Query"))
# The resident-register functions also count a caller's recent look-ups (residents/adapters/query_log.py).
_AUDIT_APPEND_AND_COUNT = TableAccess(
    AUDIT_TABLE, actions=("dynamodb:PutItem", "dynamodb:Query"), index_actions=("dynamodb:Query",)
)

# The notification functions. Queues and the topic are encrypted with MessagingKey
# (kms:ViaService sqs/sns); SEND on a queue = SendMessage (SendMessageBatch is authorised by it).
_SQS_CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")
_SQS_SEND = ("sqs:SendMessage",)
_MESSAGING_KEY_SEND = MessagingUse("MessagingKey", ("kms:Decrypt", "kms:GenerateDataKey"))
_REGISTER_READ = TableAccess(
    REGISTER_TABLE, actions=("dynamodb:GetItem", "dynamodb:Query"), index_actions=("dynamodb:Query",)
)

# A register change through registry.change: snapshot, history, reads of the current record.
_REGISTER_CHANGE = TableAccess(
    REGISTER_TABLE,
    actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"),
    index_actions=("dynamodb:Query",),
)

# A registration and every later change: the change's grants plus UpdateItem on the
# registration-number sequence (registry/adapters/sequence.py).
_REGISTER_REGISTRATION = TableAccess(
    REGISTER_TABLE,
    actions=(
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ),
    index_actions=("dynamodb:Query",),
)

# The resident-register sync's exchange (infra/register_stack/resident_sync.py offers the ARNs).
EXCHANGE_OUTBOUND = "JlisExchangeBucket/outbound/*"
EXCHANGE_INBOUND = "JlisExchangeBucket/inbound/*"
_EXCHANGE_KEY = ResourceUse("ExchangeKey", ("kms:GenerateDataKey", "kms:Decrypt"))  # S3 and SQS data keys
# A request file is written in parts (multipart upload) and read back; result files are read.
_EXCHANGE_FILES = (
    ResourceUse(EXCHANGE_OUTBOUND, ("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload")),
    ResourceUse(EXCHANGE_INBOUND, ("s3:GetObject",)),
)

ACCESS: Mapping[Function, FunctionAccess] = {
    Function.REGISTRY_API: FunctionAccess(
        tables=(
            _REGISTER_REGISTRATION,
            TableAccess(
                VAULT_TABLE,
                actions=(
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:DeleteItem",
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
    Function.PORTAL_NOTIFICATIONS: FunctionAccess(
        tables=(
            TableAccess(INBOX_TABLE, actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem")),
            # Contact preferences: the caller's own, found by portal pseudonym (ids only from the index).
            TableAccess(CONTACT_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem")),
            TableAccess(REGISTER_TABLE, actions=(), index_actions=("dynamodb:Query",)),
            _AUDIT_APPEND,
        ),
    ),
    Function.STAFF_NOTICES: FunctionAccess(
        tables=(
            TableAccess(REGISTER_TABLE, actions=("dynamodb:GetItem",)),  # does the holder exist (keys only)
            TableAccess(NOTICE_TABLE, actions=("dynamodb:PutItem",)),
            _AUDIT_APPEND,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
        ),
    ),
    Function.OUTBOX_RELAY: FunctionAccess(
        tables=(
            TableAccess(
                OUTBOX_TABLE,
                actions=(),
                stream_actions=(
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",  # the stream mapping lists the table's streams
                ),
            ),
        ),
        messaging=(
            MessagingUse("EventBus", ("events:PutEvents",)),
            MessagingUse("OutboxRelayDlq", _SQS_SEND),  # the stream mapping's on-failure destination
            _MESSAGING_KEY_SEND,
        ),
    ),
    Function.NOTIFIER: FunctionAccess(
        tables=(
            _REGISTER_READ,  # the holder's name (audited) and the by_portal_pseudonym look-up
            _AUDIT_APPEND,
            TableAccess(DELIVERY_TABLE, actions=("dynamodb:PutItem", "dynamodb:UpdateItem")),
            TableAccess(INBOX_TABLE, actions=("dynamodb:PutItem",)),
            TableAccess(CONTACT_TABLE, actions=("dynamodb:GetItem",)),
            TableAccess(NOTICE_TABLE, actions=("dynamodb:GetItem",)),
        ),
        messaging=(
            MessagingUse("NotifierQueue", _SQS_CONSUME),
            MessagingUse("NotifierQueueDlq", _SQS_SEND),
            MessagingUse("StaffAlertsTopic", ("sns:Publish",)),
            MessagingUse("EmailIdentity", ("ses:SendEmail",)),
            _MESSAGING_KEY_SEND,
        ),
    ),
    Function.NOTICE_FANOUT: FunctionAccess(
        tables=(
            TableAccess(REGISTER_TABLE, actions=(), index_actions=("dynamodb:Query",)),  # ids by status
        ),
        messaging=(
            MessagingUse("NoticeFanoutQueue", (*_SQS_CONSUME, *_SQS_SEND)),  # the next page goes back on it
            MessagingUse("NotifierQueue", _SQS_SEND),
            _MESSAGING_KEY_SEND,
        ),
    ),
    # Resident-register sync. Registrant changes go through the register's own transaction (snapshot, history,
    # audit, outbox); the My Number is opened (kms:Decrypt) only for a registrant whose resident
    # code is not yet known. The exchange's S3 and SQS grants are ``late``: resident_sync.py builds those resources.
    Function.RESIDENT_LOOKUP: FunctionAccess(
        tables=(
            TableAccess(REGISTER_TABLE, actions=("dynamodb:GetItem",)),
            TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem",)),
            _AUDIT_APPEND_AND_COUNT,
            # the look-up itself (put, read back), the rate counter (update), resident codes (query)
            TableAccess(
                SYNC_TABLE, actions=("dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem")
            ),
        ),
        keys=(KeyUse(VAULT_KEY, ("kms:Decrypt",)),),
        # An on-demand look-up is a one-record request file in outbound/ (J-LIS answers into inbound/).
        late=(*_EXCHANGE_FILES, _EXCHANGE_KEY),
    ),
    Function.SYNC_API: FunctionAccess(
        tables=(
            _REGISTER_CHANGE,
            TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem", "dynamodb:DeleteItem")),
            _AUDIT_APPEND_AND_COUNT,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
            TableAccess(
                SYNC_TABLE,
                actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"),
                index_actions=("dynamodb:Query",),
            ),
        ),
        # POST /admin/sync-runs opens the run and hands its planning to the planner (asynchronous invoke).
        late=(ResourceUse("SyncPlanner", ("lambda:InvokeFunction",)),),
    ),
    Function.SYNC_PLANNER: FunctionAccess(
        tables=(
            TableAccess(REGISTER_TABLE, actions=("dynamodb:Query",), index_actions=("dynamodb:Query",)),
            _AUDIT_APPEND_AND_COUNT,
            # Runs and the planner's checkpoint (read back when a planner resumes a run).
            TableAccess(SYNC_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
        ),
        late=(ResourceUse("SyncQueue", ("sqs:SendMessage",)), _EXCHANGE_KEY),  # one message per chunk
    ),
    Function.SYNC_WORKER: FunctionAccess(
        tables=(
            _REGISTER_CHANGE,
            TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem",)),
            _AUDIT_APPEND_AND_COUNT,
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
            TableAccess(
                SYNC_TABLE,
                actions=(
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",  # a chunk's failure marker, once its message succeeds
                ),
            ),
        ),
        keys=(KeyUse(VAULT_KEY, ("kms:Decrypt",)),),
        late=(ResourceUse("SyncQueue", _SQS_CONSUME), *_EXCHANGE_FILES, _EXCHANGE_KEY),
    ),
    # Online applications. The portal function seals a new registration's My Number (Encrypt, never Decrypt)
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
            _REGISTER_REGISTRATION,
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
    # The daily retention job (intake/services/retention.py): finds the applications due,
    # sends the overdue notice, deletes an application with its pending My Number; the bucket's
    # ListBucketVersions and the dead-letter queue are granted in infra/register_stack/retention.py.
    Function.APPLICATION_RETENTION: FunctionAccess(
        tables=(
            TableAccess(
                APPLICATIONS_TABLE,
                actions=("dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"),
            ),
            TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem", "dynamodb:DeleteItem")),
            TableAccess(AUDIT_TABLE, actions=("dynamodb:PutItem", "dynamodb:Query")),  # chain head, append
            TableAccess(OUTBOX_TABLE, actions=("dynamodb:PutItem",)),
        ),
        buckets=(BucketAccess(ATTACHMENTS_BUCKET, ("s3:DeleteObjectVersion",)),),
    ),
}


def decrypts(access: FunctionAccess, key: KeySpec) -> bool:
    return any(use.key == key and "kms:Decrypt" in use.actions for use in access.keys)


def access_of(function: Function) -> FunctionAccess:
    try:
        return ACCESS[function]
    except KeyError:
        raise KeyError(f"no grants declared for function {function.value!r}: add it to ACCESS in {__name__}") from None
