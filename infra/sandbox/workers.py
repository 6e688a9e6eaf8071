"""What AWS runs between the functions, emulated: the outbox stream's event source mapping and the
SQS event source mappings, invoking the real relay, notifier and fan-out handlers.

``Workers.pump()`` runs them until nothing moves (tests, benchmarks); ``start()`` polls in a
background thread (the sandbox), so the inbox fills a moment after a register change.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

import boto3

from ahaki.http.routes import Function
from ahaki.kernel.specs import OUTBOX_TABLE
from ahaki.notifications.adapters.messaging import FANOUT_QUEUE, NOTIFIER_QUEUE, QueueSpec
from infra.sandbox.events import FakeLambdaContext

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams.type_defs import RecordTypeDef
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef, MessageTypeDef

log = logging.getLogger("infra.sandbox.workers")
REGION = "ap-northeast-1"
Invoke = Callable[[Function, dict[str, Any]], dict[str, Any]]


def _direct(function: Function, event: dict[str, Any]) -> dict[str, Any]:
    handler = import_module(f"functions.{function.value}.handler")
    result: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())
    return result


@dataclass
class Workers:
    invoke: Invoke = _direct
    batch_size: int = 10
    _iterators: dict[str, str] = field(default_factory=dict)  # shard id -> next iterator
    _stream_arn: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    # -- the stream --------------------------------------------------------------------------

    def relay_once(self) -> int:
        """One poll of every shard of the outbox stream; returns the records handed to the relay."""
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = dynamodb.describe_table(TableName=os.environ[OUTBOX_TABLE.env_var])["Table"].get("LatestStreamArn")
        if arn != self._stream_arn:  # the table was created again (tests): start over
            self._stream_arn, self._iterators = arn, {}
        if arn is None:
            return 0
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
        handed = 0
        for shard_id, iterator in list(self._iterators.items()):
            found = streams.get_records(ShardIterator=iterator, Limit=100)
            records = [_stream_record(r, arn) for r in found["Records"]]
            if records:
                result = self.invoke(Function.OUTBOX_RELAY, {"Records": records})
                if result.get("batchItemFailures"):
                    continue  # keep the iterator: the same records come again, as Lambda retries
                handed += len(records)
            self._iterators[shard_id] = found["NextShardIterator"]
        return handed

    # -- the queues ----------------------------------------------------------------------------

    def drain_once(self, spec: QueueSpec, function: Function) -> int:
        """One receive of up to ``batch_size`` messages, one invocation; the successes are deleted."""
        sqs = boto3.client("sqs", region_name=REGION)
        url = os.environ[spec.env_var]
        found = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=self.batch_size, AttributeNames=["All"], MessageAttributeNames=["All"]
        )
        messages = found.get("Messages") or []
        if not messages:
            return 0
        arn = f"arn:aws:sqs:{REGION}:000000000000:{url.rsplit('/', 1)[-1]}"
        try:
            result = self.invoke(function, {"Records": [_sqs_record(m, arn) for m in messages]})
        except Exception as error:  # a failed invocation (Powertools raises when every record failed)
            log.warning("invocation failed: %s", type(error).__name__)
            return len(messages)  # none is deleted: SQS hands them out again after the visibility timeout
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(chunk)
            ]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        return len(messages)

    def step(self) -> int:
        return (
            self.relay_once()
            + self.drain_once(FANOUT_QUEUE, Function.NOTICE_FANOUT)
            + self.drain_once(NOTIFIER_QUEUE, Function.NOTIFIER)
        )

    def pump(self, max_steps: int = 10_000, idle_steps: int = 1) -> int:
        """Runs until ``idle_steps`` steps in a row moved nothing; returns how much moved."""
        moved = idle = 0
        for _ in range(max_steps):
            n = self.step()
            moved += n
            idle = idle + 1 if n == 0 else 0
            if idle >= idle_steps:
                break
        return moved

    # -- the sandbox's background thread -------------------------------------------------------

    def start(self, interval: float = 0.5) -> None:
        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    while self.step():
                        pass
                except Exception as error:  # keep polling, as AWS would; the type only (no data)
                    log.error("worker step failed: %s", type(error).__name__)

        self._thread = threading.Thread(target=loop, name="sandbox-workers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)


def _stream_record(record: RecordTypeDef, arn: str) -> dict[str, Any]:
    """A get_records record as Lambda hands it over (JSON-safe: no datetime)."""
    image = dict(record.get("dynamodb") or {})
    created = image.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        image["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": image, "eventSourceARN": arn}


def _sqs_record(message: MessageTypeDef, arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes") or {},
        "messageAttributes": message.get("MessageAttributes") or {},
        "md5OfBody": hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }


def start_workers(invoke: Invoke) -> Workers:
    """The sandbox's hook: new adapters for this emulated AWS, then poll every half second."""
    from ahaki.kernel.components import reset

    reset()
    workers = Workers(invoke=invoke)
    workers.start()
    return workers
