"""AWS emulated by moto, with the same tables and keys as the stack (from ahaki.kernel.specs).

Used by the tests, the benchmarks and the sandbox. moto is not atomic under threads (DESIGN.md):
one lock around its request dispatcher makes each emulated call run alone, as DynamoDB's own
conditions and transactions would; our code stays concurrent.
"""

from __future__ import annotations

import inspect
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import boto3
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models import DynamoDBBackend
from moto.events.utils import EventTemplateParser
from moto.s3.models import S3Backend

from ahaki.kernel.specs import BUCKETS, KEYS, TABLES, create_table_kwargs
from ahaki.registry.wiring import OFFICE_HOLDERS_ENV
from infra import office_holders
from infra.sandbox.emulated_messaging import create_messaging
from infra.sandbox.faithful_keys import faithful_key_values

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import ServerSideEncryptionByDefaultTypeDef

REGION: Final = "ap-northeast-1"  # Final: a literal, as S3's LocationConstraint wants
# The portal integration's role as API Gateway's IAM auth reports it (requestContext.identity.userArn).
PORTAL_CALLER_ARN = "arn:aws:sts::000000000000:assumed-role/ahaki-portal-integration/portal-session"
PORTAL_CALLER_PATTERN = "arn:aws:sts::000000000000:assumed-role/ahaki-portal-integration/*"
JLIS_BUCKET = "ahaki-jlis-exchange"
_SERIAL = threading.RLock()
_patched = False
_transactions_patched = False
_encryption_patched = False
EXCHANGE_KEY = "ExchangeKey"  # the J-LIS exchange bucket's default key, as in the stack


def serialize_moto() -> None:
    """Make every emulated AWS request run alone (idempotent)."""
    global _patched
    if _patched:
        return
    original = BotocoreStubber.__call__

    def serialized(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        with _SERIAL:
            return original(self, event_name, request, **kwargs)

    BotocoreStubber.__call__ = serialized  # type: ignore[method-assign]
    _patched = True


def faithful_transactions() -> None:
    """A cancelled TransactWriteItems leaves no stream record, and the stream keeps serving (idempotent).

    moto 5.2.5 rolls a cancelled transaction back by putting deep copies of the tables taken
    before it in place. The writes it made before the cancelling check already went into the old
    table's stream shard, and the readers' shard iterators hold that old shard: they read the
    records of a transaction that never happened, then never see another record (the new writes
    go to the copy's shard). AWS writes nothing for a cancelled transaction. So: the shard the
    readers hold stays the table's shard, cut back to where it was before the transaction.
    """
    global _transactions_patched
    if _transactions_patched:
        return
    original = DynamoDBBackend.transact_write_items

    def faithful(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        shards: dict[str, tuple[Any, int]] = {}
        for item in transact_items:
            name = next(iter(item.values())).get("TableName")
            table = self.tables.get(name) if isinstance(name, str) else None
            if table is not None and table.stream_shard is not None and name not in shards:
                shards[name] = (table.stream_shard, len(table.stream_shard.items))
        try:
            original(self, transact_items)
        except Exception:
            for name, (shard, length) in shards.items():
                del shard.items[length:]
                table = self.tables.get(name)
                if table is not None and table.stream_shard is not shard:
                    table.stream_shard, shard.table = shard, table
            raise

    DynamoDBBackend.transact_write_items = faithful  # type: ignore[method-assign]
    _transactions_patched = True


def faithful_object_encryption() -> None:
    """``ServerSideEncryption="aws:kms"`` without a key id means the AWS-managed key (idempotent).

    In AWS the request's own setting wins over the bucket's default key: SSE-KMS with the
    account's ``aws/s3`` key. moto 5.2.5 fills in the bucket default's key instead, so an object
    meant for the exchange key looked right in every test while AWS would use another key.
    """
    global _encryption_patched
    if _encryption_patched:
        return
    original = S3Backend.put_object
    signature = inspect.signature(original)

    def put_object(self: S3Backend, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        if bound.arguments.get("encryption") == "aws:kms" and not bound.arguments.get("kms_key_id"):
            region = self.get_bucket(bound.arguments["bucket_name"]).region_name
            bound.arguments["kms_key_id"] = f"arn:aws:kms:{region}:{self.account_id}:alias/aws/s3"
        return original(*bound.args, **bound.kwargs)

    S3Backend.put_object = put_object  # type: ignore[method-assign]
    _encryption_patched = True


def faithful_event_envelopes() -> None:
    """EventBridge's envelope names the account, as AWS's does (idempotent).

    moto 5.2.5's default input template for a rule's target leaves ``account`` out, so a consumer
    validating the envelope (Powertools' EventBridgeModel) would refuse every emulated event.
    """
    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"version": "0",', '"version": "0", "account": "<account>",'
        )


@dataclass(frozen=True)
class EmulatedAws:
    env: dict[str, str]
    table_names: dict[str, str]  # logical id -> physical name
    key_ids: dict[str, str]  # logical id -> key id


def fake_credentials() -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


def create_resources(prefix: str = "ahaki") -> EmulatedAws:
    """Create every key and table of the stack in the active moto backend."""
    kms = boto3.client("kms", region_name=REGION)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    key_ids: dict[str, str] = {}
    env: dict[str, str] = {}
    for spec in KEYS:
        kwargs: dict[str, Any] = {"Description": spec.description}
        if spec.hmac:
            kwargs.update(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        key_id = kms.create_key(**kwargs)["KeyMetadata"]["KeyId"]
        if not spec.hmac:
            kms.enable_key_rotation(KeyId=key_id)
        key_ids[spec.logical_id] = key_id
        if spec.env_var:
            env[spec.env_var] = key_id
    names: dict[str, str] = {}
    for table in TABLES:
        name = f"{prefix}-{table.logical_id}"
        dynamodb.create_table(**create_table_kwargs(table, name))
        names[table.logical_id] = name
        env[table.env_var] = name
    # Resident-register sync: the J-LIS exchange bucket, answered by the fake J-LIS (no SQS here: messages are
    # kept in a list and handed to the worker by the tests, the benchmarks and the sandbox).
    exchange = f"{prefix}-{JLIS_BUCKET}"  # per prefix, like the tables: two sandboxes in one moto
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=exchange, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    # The stack's bucket default: SSE-KMS with the exchange key (infra/register_stack/contexts/residents_exchange.py).
    key_ids[EXCHANGE_KEY] = kms.create_key(Description="J-LIS exchange files")["KeyMetadata"]["KeyId"]
    default: ServerSideEncryptionByDefaultTypeDef = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_ids[EXCHANGE_KEY]}
    boto3.client("s3", region_name=REGION).put_bucket_encryption(
        Bucket=exchange,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
        },
    )
    env.update({"JLIS_BUCKET": exchange, "JLIS_ADAPTER": "fake", "JLIS_FAKE_TENANT": "foundation"})
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in BUCKETS:
        name = f"{prefix}-{bucket.logical_id}".lower()
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        env[bucket.env_var] = name
    env["AUDIT_SHARDS"] = "16"
    env.update(create_messaging(prefix))  # bus, queues, staff topic, SES identity
    env["PORTAL_CALLER_ARNS"] = PORTAL_CALLER_PATTERN
    env["PORTAL_TENANT_ID"] = "foundation"
    env[OFFICE_HOLDERS_ENV] = office_holders.from_cdk_json()  # the table the stack deploys
    env["POWERTOOLS_SERVICE_NAME"] = "ahaki-register"
    return EmulatedAws(env=env, table_names=names, key_ids=key_ids)


def reset_tables(resources: EmulatedAws) -> None:
    """Empty every table by creating it again: much cheaper than new keys (moto makes each key
    slowly), so tests share one set of keys and get fresh tables."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for table in TABLES:
        name = resources.table_names[table.logical_id]
        dynamodb.delete_table(TableName=name)
        dynamodb.create_table(**create_table_kwargs(table, name))


@contextmanager
def emulated_aws(prefix: str = "ahaki") -> Iterator[EmulatedAws]:
    """moto running, resources created, environment set; all undone on exit."""
    serialize_moto()
    faithful_transactions()
    faithful_object_encryption()
    faithful_event_envelopes()
    faithful_key_values()
    saved = dict(os.environ)
    os.environ.update(fake_credentials())
    try:
        with mock_aws():
            resources = create_resources(prefix)
            os.environ.update(resources.env)
            yield resources
    finally:
        os.environ.clear()
        os.environ.update(saved)
