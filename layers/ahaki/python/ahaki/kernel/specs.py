"""The one definition of the DynamoDB tables and KMS keys.

The CDK stack builds its tables and keys from these specs; the tests and the local sandbox create
the same tables in moto from them. A test compares the synthesized template with these specs, so
the two can never drift. Every key starts with the tenant (the administering organisation), so
tenant isolation later needs no migration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None
    # GSIs project only what the look-up needs, never the My Number (which is not in the table).
    projection: str = "ALL"


@dataclass(frozen=True)
class TableSpec:
    logical_id: str  # CDK construct id
    env_var: str  # the functions find the physical name here
    partition_key: str
    sort_key: str | None
    key_alias: str  # logical id of the KMS key that encrypts it
    indexes: tuple[Index, ...] = ()
    # Keys and sort keys are strings except where listed here (DynamoDB type N).
    numeric: frozenset[str] = field(default_factory=frozenset)
    stream: bool = False
    ttl_attribute: str | None = None
    holds_personal_data: bool = True


@dataclass(frozen=True)
class KeySpec:
    logical_id: str
    description: str
    hmac: bool = False  # HMAC_256 keys for blind indexes; KMS cannot auto-rotate them
    env_var: str | None = None


REGISTER_KEY = KeySpec("RegisterKey", "Encrypts the register table (snapshots and history)")
VAULT_KEY = KeySpec("VaultKey", "Encrypts My Numbers in the vault", env_var="VAULT_KEY_ID")
VAULT_TABLE_KEY = KeySpec("VaultTableKey", "Encrypts the vault table at rest")
BLIND_INDEX_KEY = KeySpec(
    "BlindIndexKey", "HMAC key of the My Number blind index", hmac=True, env_var="BLIND_INDEX_KEY_ID"
)
AUDIT_KEY = KeySpec("AuditKey", "Encrypts the audit trail")
APPLICATIONS_KEY = KeySpec("ApplicationsKey", "Encrypts online applications and their attachments")
KEYS: tuple[KeySpec, ...] = (REGISTER_KEY, VAULT_KEY, VAULT_TABLE_KEY, BLIND_INDEX_KEY, AUDIT_KEY, APPLICATIONS_KEY)

# Register table: one item collection per registrant.
#   pk = T#<tenant>#Q#<qualification_pseudonym_id>, sk = SNAPSHOT | EVENT#<version, 10 digits>
#   registration-number sequence: pk = T#<tenant>#SEQ#<qualification>, sk = SEQUENCE
REGISTER_TABLE = TableSpec(
    logical_id="RegisterTable",
    env_var="REGISTER_TABLE",
    partition_key="pk",
    sort_key="sk",
    key_alias=REGISTER_KEY.logical_id,
    indexes=(
        # T#<tenant>#<qualification>#RN#<registration_number>
        Index("by_registration_number", "gsi_rn"),
        # T#<tenant>#<qualification>#KANA#<family kana>　<given kana>#<birth date>
        Index("by_kana_birth", "gsi_kana", "gsi_kana_sk"),
        # T#<tenant>#PP#<portal_pseudonym_id> (the portal's pseudonym; intake finds holders by it)
        Index("by_portal_pseudonym", "gsi_portal"),
        # T#<tenant>#<qualification>#ST#<status>, sorted by registration number
        Index("by_status", "gsi_status", "gsi_status_sk"),
    ),
    numeric=frozenset({"gsi_status_sk"}),
)

# Vault: the My Number and nothing else of the person.
#   pk = T#<tenant>#Q#<qualification_pseudonym_id>, sk = MY_NUMBER   (ciphertext, KMS context-bound)
#   pk = T#<tenant>#<qualification>#BI#<hmac>, sk = CLAIM   (one live registrant per My Number)
VAULT_TABLE = TableSpec(
    logical_id="VaultTable",
    env_var="VAULT_TABLE",
    partition_key="pk",
    sort_key="sk",
    key_alias=VAULT_TABLE_KEY.logical_id,
)

# Audit trail: append-only hash chains. pk = chain id (T#<tenant>#Q#<id> for a registrant's
# chain, T#<tenant>#SHARD#<n> for records without one subject), sk = position in the chain.
AUDIT_TABLE = TableSpec(
    logical_id="AuditTable",
    env_var="AUDIT_TABLE",
    partition_key="chain",
    sort_key="seq",
    key_alias=AUDIT_KEY.logical_id,
    indexes=(Index("by_actor", "actor_key", "occurred_at"),),
    numeric=frozenset({"seq"}),
    holds_personal_data=False,  # ids and item names only; never a value of a record
)

# Outbox: domain events written in the same transaction as the change they report; its stream
# feeds the relay. pk = EV#<event id>. Items expire once relayed (TTL); they hold ids only.
OUTBOX_TABLE = TableSpec(
    logical_id="OutboxTable",
    env_var="OUTBOX_TABLE",
    partition_key="pk",
    sort_key=None,
    key_alias=REGISTER_KEY.logical_id,
    stream=True,
    ttl_attribute="expires_at",
    holds_personal_data=False,
)

# Notifications. Portal inbox: pk = T#<tenant>#PP#<portal_pseudonym_id>, sk = notification id
# (<occurred_at>-<event id>, so a query lists newest first). Rendered messages name the holder;
# items expire after the configured retention (TTL).
INBOX_TABLE = TableSpec(
    logical_id="InboxTable",
    env_var="INBOX_TABLE",
    partition_key="pk",
    sort_key="sk",
    key_alias=REGISTER_KEY.logical_id,
    ttl_attribute="expires_at",
)

# Delivery ledger: pk = <event id>#<channel>; written conditionally before delivery (exactly once in
# effect). Ids and states only; kept long enough to outlive every retry and redrive (TTL).
DELIVERY_TABLE = TableSpec(
    logical_id="DeliveryTable",
    env_var="DELIVERY_TABLE",
    partition_key="pk",
    sort_key=None,
    key_alias=REGISTER_KEY.logical_id,
    ttl_attribute="expires_at",
    holds_personal_data=False,
)

# Contact preferences: pk = T#<tenant>#Q#<qualification_pseudonym_id>; the e-mail address and the
# holder's opt-in. Apart from the register: the notifier alone reads it.
CONTACT_TABLE = TableSpec(
    logical_id="ContactTable",
    env_var="CONTACT_TABLE",
    partition_key="pk",
    sort_key=None,
    key_alias=REGISTER_KEY.logical_id,
)

# Staff notices: pk = T#<tenant>#N#<notice id>; the text staff wrote (no personal data, by rule).
NOTICE_TABLE = TableSpec(
    logical_id="NoticeTable",
    env_var="NOTICE_TABLE",
    partition_key="pk",
    sort_key=None,
    key_alias=REGISTER_KEY.logical_id,
    holds_personal_data=False,
)

# Resident-register sync: runs, chunk checkpoints, per-record effect markers, quarantined
# rows, findings, learned resident codes and look-up rate counters. Every pk starts T#<tenant>#:
#   T#<t>#RUN#<run>  RUN | CHUNK#<n> | REC#<qualification_pseudonym_id> | QUAR#<n>#<line>
#   T#<t>#FINDING#<id>  FINDING          T#<t>#Q#<id>  RESIDENT_CODE          T#<t>#RATE#<actor>  <window>
SYNC_TABLE = TableSpec(
    logical_id="SyncTable",
    env_var="SYNC_TABLE",
    partition_key="pk",
    sort_key="sk",
    key_alias=REGISTER_KEY.logical_id,
    # T#<tenant>#FS#<finding status>, sorted by opened_at#finding_id
    indexes=(Index("by_finding_status", "gsi_fs", "gsi_fs_sk"),),
    ttl_attribute="expires_at",  # rate counters only
)

# Online applications. pk = T#<tenant>#APP#<application_id>, sk = APPLICATION.
# Personal data goes a configurable number of days after the decision (TTL on expires_at).
APPLICATIONS_TABLE = TableSpec(
    logical_id="ApplicationsTable",
    env_var="APPLICATIONS_TABLE",
    partition_key="pk",
    sort_key="sk",
    key_alias=APPLICATIONS_KEY.logical_id,
    indexes=(
        # T#<tenant>#PP#<portal_pseudonym_id>, sorted by <submitted_at>#<application_id>
        Index("by_applicant", "gsi_applicant", "gsi_applicant_sk"),
        # T#<tenant>#ST#<status>#K#<kind>, oldest first by <submitted_at>#<application_id>
        Index("by_queue", "gsi_queue", "gsi_queue_sk"),
    ),
    ttl_attribute="expires_at",
)

# Powertools idempotency records of portal submissions: a hash of (tenant, pseudonym, key), the
# hash of the body and the stored response (ids and status only). pk = id.
IDEMPOTENCY_TABLE = TableSpec(
    logical_id="IdempotencyTable",
    env_var="IDEMPOTENCY_TABLE",
    partition_key="id",
    sort_key=None,
    key_alias=APPLICATIONS_KEY.logical_id,
    ttl_attribute="expiration",
    holds_personal_data=False,
)

TABLES: tuple[TableSpec, ...] = (
    REGISTER_TABLE,
    VAULT_TABLE,
    AUDIT_TABLE,
    OUTBOX_TABLE,
    INBOX_TABLE,
    DELIVERY_TABLE,
    CONTACT_TABLE,
    NOTICE_TABLE,
    SYNC_TABLE,
    APPLICATIONS_TABLE,
    IDEMPOTENCY_TABLE,
)


@dataclass(frozen=True)
class BucketSpec:
    logical_id: str
    env_var: str
    key_alias: str


# Attachments of applications: <tenant>/<application_id>/<attachment type>; SSE-KMS, expired by
# a lifecycle rule after the retention period.
ATTACHMENTS_BUCKET = BucketSpec("AttachmentsBucket", "ATTACHMENTS_BUCKET", APPLICATIONS_KEY.logical_id)
BUCKETS: tuple[BucketSpec, ...] = (ATTACHMENTS_BUCKET,)


def attribute_type(spec: TableSpec, name: str) -> str:
    return "N" if name in spec.numeric else "S"


def create_table_kwargs(spec: TableSpec, table_name: str) -> dict[str, Any]:
    """boto3 ``create_table`` arguments for a spec: how tests and the sandbox build the tables."""
    names = [spec.partition_key, *([spec.sort_key] if spec.sort_key else [])]
    for index in spec.indexes:
        names += [index.partition_key, *([index.sort_key] if index.sort_key else [])]
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _key_schema(spec.partition_key, spec.sort_key),
        "AttributeDefinitions": [
            {"AttributeName": n, "AttributeType": attribute_type(spec, n)} for n in dict.fromkeys(names)
        ],
    }
    if spec.indexes:
        kwargs["GlobalSecondaryIndexes"] = [
            {
                "IndexName": i.name,
                "KeySchema": _key_schema(i.partition_key, i.sort_key),
                "Projection": {"ProjectionType": i.projection},
            }
            for i in spec.indexes
        ]
    if spec.stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    return kwargs


def _key_schema(partition_key: str, sort_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition_key, "KeyType": "HASH"}]
    if sort_key:
        schema.append({"AttributeName": sort_key, "KeyType": "RANGE"})
    return schema
