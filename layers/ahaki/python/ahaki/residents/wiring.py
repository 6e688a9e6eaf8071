"""Builds the sync's adapters from the environment (the register's own come from ``wiring``).

JLIS_ADAPTER=fake (tests, sandbox) answers from the fake population, which learns each registrant
from the register and the vault the first time it is asked, so it agrees with whatever the
sandbox holds until a scenario is dialled; =s3 (AWS) exchanges files with J-LIS.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import boto3
from pydantic import Field

from ahaki.kernel.adapters.aws import CLIENT_CONFIG, lazy
from ahaki.kernel.components import component
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.settings import AuditSettings, EnvironmentSettings
from ahaki.kernel.specs import OUTBOX_TABLE, SYNC_TABLE
from ahaki.kernel.wiring import dynamodb
from ahaki.registry.services.ports import Ports
from ahaki.registry.wiring import ports
from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.adapters.lookup_table import DynamoLookups
from ahaki.residents.adapters.query_log import DynamoQueryLog
from ahaki.residents.adapters.sync_table import DynamoSyncStore
from ahaki.residents.services.ports import Queue, SyncPorts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

    from ahaki.residents.adapters.jlis_fake import RegisterBackedFake


class SyncSettings(AuditSettings):
    """The sync's table, exchange and queue; the audit table its query log appends to."""

    sync_table: str = Field(alias=SYNC_TABLE.env_var)
    outbox_table: str = Field(alias=OUTBOX_TABLE.env_var)
    bucket: str = Field(alias="JLIS_BUCKET")
    adapter: str = Field("s3", alias="JLIS_ADAPTER")
    queue_url: str = Field("", alias="SYNC_QUEUE_URL")
    chunk_size: int = Field(5000, alias="SYNC_CHUNK_SIZE")
    lookup_limit: int = Field(30, alias="LOOKUP_RATE_LIMIT")
    # Only the staff API hands runs to the planner; elsewhere (and in the sandbox) nothing is set.
    planner_function: str = Field("", alias="SYNC_PLANNER_FUNCTION")


class FakeJlisSettings(EnvironmentSettings):
    tenant: str = Field("foundation", alias="JLIS_FAKE_TENANT")
    # e.g. "0.3": the fake answers in the resident register's writing.
    notation: str = Field("", alias="JLIS_FAKE_NOTATION")


class SqsQueue:
    def __init__(self, sqs: SQSClient, url: str) -> None:
        self._sqs = sqs
        self._url = url

    def send(self, message: dict[str, Any]) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(message))


class LambdaPlanner:
    """The planner function, invoked asynchronously (Lambda retries it; it resumes from its checkpoint)."""

    def __init__(self, client: LambdaClient, function_name: str) -> None:
        self._client = client
        self._function_name = function_name

    def plan(self, tenant_id: str, qualification: Qualification, run_id: str) -> None:
        payload = {"tenant_id": tenant_id, "qualification": qualification.value, "run_id": run_id}
        self._client.invoke(FunctionName=self._function_name, InvocationType="Event", Payload=json.dumps(payload))


class ListQueue:
    """Tests and the sandbox: messages kept in order, handled by whoever drains them."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)


def register_ports() -> Ports:
    """The register's ports (audit trail, clock, ids) that this context's use cases take too: its
    handlers get them here and so import no other context."""
    return ports()


@component
def fake_jlis() -> RegisterBackedFake:
    # Imported here: only tests and the sandbox answer from the fake; a deployed function never loads it.
    from ahaki.residents.adapters.jlis_fake import RegisterBackedFake
    from ahaki.residents.adapters.jlis_notation import NotationRates

    settings = FakeJlisSettings.from_env()
    return RegisterBackedFake(
        settings.tenant, NotationRates.parse(settings.notation), lambda tenant, qid: ports().reader.get(tenant, qid)
    )


def build_sync_ports(
    dynamodb: DynamoDBClient,
    s3: S3Client,
    sqs: SQSClient | None,
    settings: SyncSettings,
    lam: LambdaClient | None = None,
) -> SyncPorts:
    fake = settings.adapter == "fake"
    queue: Queue = SqsQueue(sqs, settings.queue_url) if sqs is not None and settings.queue_url else ListQueue()
    return SyncPorts(
        store=DynamoSyncStore(dynamodb, settings.sync_table, settings.outbox_table),
        exchange=S3Exchange(s3, settings.bucket, responder=fake_jlis() if fake else None),
        queue=queue,
        query_log=DynamoQueryLog(dynamodb, settings.audit_table),
        lookups=DynamoLookups(dynamodb, settings.sync_table),
        answers_at_once=fake,
        chunk_size=settings.chunk_size,
        lookup_limit=settings.lookup_limit,
        planner=LambdaPlanner(lam, settings.planner_function) if lam is not None else None,
    )


@component
def sync_ports() -> SyncPorts:
    settings = SyncSettings.from_env()
    s3 = lazy(lambda: boto3.client("s3", config=CLIENT_CONFIG))
    sqs = lazy(lambda: boto3.client("sqs", config=CLIENT_CONFIG)) if settings.queue_url else None
    lam = lazy(lambda: boto3.client("lambda", config=CLIENT_CONFIG)) if settings.planner_function else None
    return build_sync_ports(dynamodb(), s3, sqs, settings, lam)


def now_ms() -> int:
    return int(time.time() * 1000)
