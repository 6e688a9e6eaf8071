"""Notifications, figure 1: 10,000 events (+1,000 duplicated) through the real notifier against moto,
with delivery failures injected at the AWS client, then the real redrive command, twice.

Everything is the stack's: the notifier handler (Powertools batch, partial failures) fed by moto's
SQS in batches of 10 as the event source mapping would, the notifier queue and its DLQ
(maxReceiveCount 5 from the queue spec, moto moves the messages), the DynamoDB ledger and inbox,
SES v1 with the verified identity, ``python -m infra.redrive``. Faults are raised by a botocore
``before-parameter-build`` hook on the inbox's PutItem and on SES SendEmail: 10 % of the event
channels fail on their first attempt, 1 % fail on every attempt until the "outage" ends (those
reach the DLQ through SQS's redrive policy); the redrive runs after it ends. Deliveries are
counted from moto's inbox table and SES's sent messages, never from counters of ours.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from benchmarks.moto_seed import TENANT, contact, holder, holder_id, put_items
from benchmarks.moto_speed import fast_moto

EVENTS = int(os.environ.get("NOTIFY_BENCH_EVENTS", "10000"))
DUPLICATE_EVERY = 10  # every 10th event is delivered twice by the queue (1,000 of 10,000)
FAIL_FIRST = 10  # percent of event channels failing on their first attempt
FAIL_UNTIL_FIXED = 1  # percent failing on every attempt until the outage ends
FEED = 50  # messages put on the queue at a time (see _drain)


def _bucket(event_id: str, channel: str) -> int:
    return zlib.crc32(f"{event_id}:{channel}".encode()) % 100


@dataclass
class Faults:
    """Raised at the AWS client, as a throttled or failing service would answer."""

    inbox_table: str
    fixed: bool = False
    attempts: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)

    def _check(self, event_id: str, channel: str, operation: str) -> None:
        from botocore.exceptions import ClientError

        key = f"{event_id}:{channel}"
        self.attempts[key] += 1
        bucket = _bucket(event_id, channel)
        if (bucket < FAIL_UNTIL_FIXED and not self.fixed) or (bucket < FAIL_FIRST and self.attempts[key] == 1):
            self.injected[channel] += 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "injected"}}, operation)

    def inbox_put(self, params: dict[str, Any], **kwargs: Any) -> None:
        if params.get("TableName") == self.inbox_table:
            event_id = params["Item"]["sk"]["S"].split("-", 1)[1]  # <occurred_at>-<event id>
            self._check(event_id, "portal_inbox", "PutItem")

    def ses_send(self, params: dict[str, Any], **kwargs: Any) -> None:
        qid = params["Destination"]["ToAddresses"][0].split("@", 1)[0]
        self._check(_event_of(qid), "email", "SendEmail")


def _event_of(qid: str) -> str:
    return f"ev-{qid}"


def _envelope(n: int, occurred_at: datetime) -> str:
    """What the relay puts on the bus for a correction of holder n: ids only."""
    from ahaki.kernel.outbox import OutboxEvent
    from ahaki.notifications.adapters.messaging import OUTBOX_SOURCE

    qid = holder_id(n)
    event = OutboxEvent(
        event_id=_event_of(qid), tenant_id=TENANT, kind="registrant.correct", occurred_at=occurred_at, subject_id=qid
    )
    return json.dumps(
        {"source": OUTBOX_SOURCE, "detail-type": event.kind, "detail": json.loads(event.model_dump_json())}
    )


def _enqueue(sqs: Any, url: str, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start : start + 10])]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def _depth(sqs: Any, url: str) -> int:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(n, 0)) for n in names)


def _drain(sqs: Any, url: str, backlog: list[str] | None = None) -> int:
    """The event source mapping: batches of 10 until the queue (visible or in flight) is empty.

    ``backlog`` is fed in as the queue empties (FEED at a time): moto's SendMessage and
    ReceiveMessage read every message of the queue on each call, so 11,000 messages enqueued at
    once would make the run quadratic in moto (SQS itself does not care how deep a queue is)."""
    from ahaki.http.routes import Function
    from ahaki.notifications.adapters.messaging import NOTIFIER_QUEUE
    from infra.sandbox.workers import Workers

    workers, received, backlog = Workers(batch_size=10), 0, list(backlog or [])
    while True:
        if backlog and received % FEED == 0:
            _enqueue(sqs, url, backlog[:FEED])
            del backlog[:FEED]
        n = workers.drain_once(NOTIFIER_QUEUE, Function.NOTIFIER)
        received += n
        if n == 0:
            if backlog:
                _enqueue(sqs, url, backlog[:FEED])
                del backlog[:FEED]
            elif _depth(sqs, url) == 0:
                return received
            else:
                time.sleep(0.2)  # failed messages come back after the visibility timeout


def _counts(aws: Any) -> dict[str, Any]:
    import boto3
    from moto.ses.models import ses_backends

    from infra.sandbox.emulated_aws import REGION

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    inbox: Counter[str] = Counter()
    ledger: Counter[str] = Counter()
    for logical, counter, attribute in (("InboxTable", inbox, "sk"), ("DeliveryTable", ledger, "state")):
        kwargs: dict[str, Any] = {"TableName": aws.table_names[logical]}
        while True:
            page = dynamodb.scan(**kwargs)
            for item in page["Items"]:
                key = item[attribute]["S"].split("-", 1)[1] if attribute == "sk" else item["pk"]["S"].rsplit("#", 1)[1]
                counter[key if attribute == "sk" else f"{key}:{item['state']['S']}"] += 1
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    sent = [m for account in ses_backends.values() for m in account[REGION].sent_messages]
    email = Counter(m.destinations["ToAddresses"][0] for m in sent)
    return {
        "inbox": sum(inbox.values()),
        "inbox_events": len(inbox),
        "email": sum(email.values()),
        "email_holders": len(email),
        "duplicates": sum(n - 1 for n in inbox.values() if n > 1) + sum(n - 1 for n in email.values() if n > 1),
        "ledger": dict(ledger),
    }


def deliveries() -> list[tuple[str, str]]:
    import boto3

    from ahaki.kernel.components import reset
    from ahaki.notifications.adapters.messaging import NOTIFIER_QUEUE
    from infra import redrive
    from infra.sandbox.emulated_aws import REGION, emulated_aws

    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"  # 11,000 "notified" lines would only cost time
    with emulated_aws(prefix="deliver") as aws:
        put_items(aws.table_names["RegisterTable"], (holder(n, portal=True) for n in range(EVENTS)))
        put_items(aws.table_names["ContactTable"], (contact(n) for n in range(EVENTS)))
        faults = Faults(aws.table_names["InboxTable"])
        reset()
        session = boto3._get_default_session()  # the notifier's clients are made from it, after this
        session.events.register("before-parameter-build.dynamodb.PutItem", faults.inbox_put)
        session.events.register("before-parameter-build.ses.SendEmail", faults.ses_send)
        sqs = boto3.client("sqs", region_name=REGION)
        queue, dlq = os.environ[NOTIFIER_QUEUE.env_var], os.environ[NOTIFIER_QUEUE.dlq_env_var]
        now = datetime.now(UTC)
        bodies = [_envelope(n, now) for n in range(EVENTS)]
        # Each tenth event a second time, a while after the first (at-least-once relay and queue).
        backlog = [b for n, b in enumerate(bodies) for _ in range(1 if n % DUPLICATE_EVERY else 2)]
        backlog = backlog[::2] + backlog[1::2]
        start = time.perf_counter()
        with fast_moto():
            received = _drain(sqs, queue, backlog)
            dlq_before = _depth(sqs, dlq)
            faults.fixed = True  # the outage is over: staff redrive
            redrive.main([])
            received += _drain(sqs, queue)
            redrive.main([])  # the redrive run a second time moves nothing, delivers nothing
            received += _drain(sqs, queue)
        seconds = time.perf_counter() - start
        counts = _counts(aws)
        dlq_after = _depth(sqs, dlq)
        session.events.unregister("before-parameter-build.dynamodb.PutItem", faults.inbox_put)
        session.events.unregister("before-parameter-build.ses.SendEmail", faults.ses_send)
        reset()
    delivered_rows = counts["ledger"]
    return [
        ("events (+ duplicated by the queue)", f"{EVENTS:,} (+{len(bodies[::DUPLICATE_EVERY]):,})"),
        (
            "injected failures (inbox PutItem / SES SendEmail calls)",
            f"{faults.injected['portal_inbox']:,} / {faults.injected['email']:,}",
        ),
        ("messages received by the notifier (batches of 10)", f"{received:,}"),
        ("portal inbox deliveries (moto table; distinct events)", f"{counts['inbox']:,} ({counts['inbox_events']:,})"),
        ("e-mail deliveries (moto SES sent; distinct holders)", f"{counts['email']:,} ({counts['email_holders']:,})"),
        ("ledger records by channel:state", ", ".join(f"{k} {v:,}" for k, v in sorted(delivered_rows.items()))),
        ("duplicate deliveries", str(counts["duplicates"])),
        ("DLQ before redrive / after redrive (run twice)", f"{dlq_before:,} / {dlq_after:,}"),
        ("time (drain + redrive + drain, in-process moto)", f"{seconds:.0f} s"),
    ]


if __name__ == "__main__":
    for figure, value in deliveries():
        print(f"{figure}: {value}")
