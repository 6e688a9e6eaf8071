"""Builds the sync's adapters from the environment (the register's own come from ``wiring``).

JLIS_ADAPTER=fake (tests, sandbox) answers from the fake population, which learns each registrant
from the register and the vault the first time it is asked, so it agrees with whatever the
sandbox holds until a scenario is dialled; =s3 (AWS) exchanges files with J-LIS.
"""

from __future__ import annotations

import json
import os
import time
from functools import cache
from typing import Any

import boto3

from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.specs import AUDIT_TABLE, OUTBOX_TABLE, SYNC_TABLE
from ahaki.kernel.values import Qualification
from ahaki.registry.services.ports import Ports
from ahaki.registry.wiring import ports
from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.adapters.jlis_fake import FakeJlis
from ahaki.residents.adapters.jlis_notation import NotationRates
from ahaki.residents.adapters.lookup_table import DynamoLookups
from ahaki.residents.adapters.query_log import DynamoQueryLog
from ahaki.residents.adapters.sync_table import DynamoSyncStore
from ahaki.residents.domain.jlis import RequestRecord, ResultRecord
from ahaki.residents.services.ports import SyncPorts


class SqsQueue:
    def __init__(self, sqs: Any, url: str) -> None:
        self._sqs = sqs
        self._url = url

    def send(self, message: dict[str, Any]) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(message))


class LambdaPlanner:
    """The planner function, invoked asynchronously (Lambda retries it; it resumes from its checkpoint)."""

    def __init__(self, client: Any, function_name: str) -> None:
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


class RegisterBackedFake(FakeJlis):
    """The fake whose residents are the register's registrants (their values at first ask)."""

    def look_up(self, request: RequestRecord) -> list[ResultRecord]:
        if request.subject_my_number and not self.knows(request.subject_my_number):
            tenant = os.environ.get("JLIS_FAKE_TENANT", "foundation")
            found = ports().reader.get(tenant, request.subject_reference)
            if found is not None:
                self.add_registrant(found, request.subject_my_number)
        return super().look_up(request)


def register_ports() -> Ports:
    """The register's ports (audit trail, clock, ids) that this context's use cases take too: its
    handlers get them here and so import no other context."""
    return ports()


@cache
def fake_jlis() -> RegisterBackedFake:
    # JLIS_FAKE_NOTATION (e.g. "0.3"): the fake answers in the resident register's writing.
    return RegisterBackedFake(notation=NotationRates.parse(os.environ.get("JLIS_FAKE_NOTATION", "")))


def build_sync_ports(
    dynamodb: Any, s3: Any, sqs: Any | None, env: dict[str, str] | os._Environ[str], lam: Any | None = None
) -> SyncPorts:
    fake = env.get("JLIS_ADAPTER", "s3") == "fake"
    queue: Any = SqsQueue(sqs, env["SYNC_QUEUE_URL"]) if sqs is not None and env.get("SYNC_QUEUE_URL") else ListQueue()
    return SyncPorts(
        store=DynamoSyncStore(dynamodb, env[SYNC_TABLE.env_var], env[OUTBOX_TABLE.env_var]),
        exchange=S3Exchange(s3, env["JLIS_BUCKET"], responder=fake_jlis() if fake else None),
        queue=queue,
        query_log=DynamoQueryLog(dynamodb, env[AUDIT_TABLE.env_var]),
        lookups=DynamoLookups(dynamodb, env[SYNC_TABLE.env_var]),
        answers_at_once=fake,
        chunk_size=int(env.get("SYNC_CHUNK_SIZE", "5000")),
        lookup_limit=int(env.get("LOOKUP_RATE_LIMIT", "30")),
        planner=LambdaPlanner(lam, env.get("SYNC_PLANNER_FUNCTION", "")) if lam is not None else None,
    )


@cache
def sync_ports() -> SyncPorts:
    client = boto3.client("dynamodb", config=CLIENT_CONFIG)
    s3 = boto3.client("s3", config=CLIENT_CONFIG)
    sqs = boto3.client("sqs", config=CLIENT_CONFIG) if os.environ.get("SYNC_QUEUE_URL") else None
    # Only the staff API hands runs to the planner; elsewhere (and in the sandbox) nothing is set.
    lam = boto3.client("lambda", config=CLIENT_CONFIG) if os.environ.get("SYNC_PLANNER_FUNCTION") else None
    return build_sync_ports(client, s3, sqs, os.environ, lam)


def now_ms() -> int:
    return int(time.time() * 1000)
