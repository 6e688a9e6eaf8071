"""Notifications, figure 2: a broadcast to N holders held in moto's register, fanned out by the real
``notice_fanout`` handler through moto's SQS; peak memory of the fan-out in a fresh process.

The host (this process) runs moto: the holders' snapshots are put straight into the emulated
register table (the items ``snapshot_item`` writes; 100,000 through the API would take minutes),
and index pages are served by ``benchmarks.moto_speed`` (moto's own query on the page's window).
The measured child starts fresh, sends its AWS calls over a pipe (``benchmarks.moto_pipe``) and
drives the fan-out queue as its event source mapping would, until the broadcast is done.
"""

from __future__ import annotations

import json
import os
import resource
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from benchmarks.moto_pipe import forward_to, run_measured
from benchmarks.moto_seed import holder, put_items
from benchmarks.moto_speed import fast_moto

PAGE_SIZE = 1000  # holders per fan-out page (FANOUT_PAGE_SIZE); DynamoDB's 1 MB page holds ~970
NOTICE_ID = "bench-notice"


def _fan_out(conn: Connection, env: dict[str, str]) -> None:
    """The measured child: a fresh interpreter whose AWS is the host's moto."""
    import os

    os.environ.update(env)
    forward_to(conn)
    import boto3

    from ahaki.http.routes import Function
    from ahaki.kernel.outbox import OutboxEvent
    from ahaki.notifications.adapters.messaging import FANOUT_QUEUE, OUTBOX_SOURCE
    from functions.notice_fanout import handler  # noqa: F401 - imported before the measurement
    from infra.sandbox.workers import Workers

    sqs = boto3.client("sqs")
    event = OutboxEvent(
        event_id=NOTICE_ID,
        tenant_id="foundation",
        kind="notice.requested",
        occurred_at=datetime.now(UTC),
        subject_id=NOTICE_ID,
        detail={"notice_id": NOTICE_ID, "audience": "all_holders", "qualification": "anma_massage_shiatsu"},
    )
    envelope = {"source": OUTBOX_SOURCE, "detail-type": event.kind, "detail": json.loads(event.model_dump_json())}
    workers = Workers()
    sqs.send_message(QueueUrl=env[FANOUT_QUEUE.env_var], MessageBody=json.dumps(envelope))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    pages = 0
    while workers.drain_once(FANOUT_QUEUE, Function.NOTICE_FANOUT):
        pages += 1
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    conn.send(("result", {"peak": peak, "rss_growth_kib": rss_growth, "pages": pages, "seconds": seconds}))


@dataclass
class NotifierConsumer:
    """Takes every message off moto's notifier queue as soon as it is there, as the notifier would:
    moto's SendMessage reads every message of the queue (its attributes) on each call, so a queue
    left to grow to 100,000 would measure moto. Counts the messages and the distinct holders."""

    url: str
    messages: int = 0
    holders: set[str] = field(default_factory=set)

    def __call__(self) -> None:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.sqs.models import sqs_backends

        from infra.sandbox.emulated_aws import REGION

        queue = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].get_queue(self.url.rsplit("/", 1)[-1])
        taken, queue._messages = queue._messages, []
        self.messages += len(taken)
        self.holders.update(json.loads(m.body)["subject_id"] for m in taken)


def broadcast(holders: int) -> dict[str, Any]:
    from ahaki.notifications.adapters.messaging import NOTIFIER_QUEUE
    from infra.sandbox.emulated_aws import emulated_aws

    with emulated_aws(prefix=f"bcast{holders}") as aws:
        start = time.perf_counter()
        put_items(aws.table_names["RegisterTable"], (holder(n) for n in range(holders)))
        seeded = time.perf_counter() - start
        env = {**aws.env, "FANOUT_PAGE_SIZE": str(PAGE_SIZE), "POWERTOOLS_LOG_LEVEL": "WARNING"}
        consumer = NotifierConsumer(aws.env[NOTIFIER_QUEUE.env_var])
        with fast_moto():
            result: dict[str, Any] = run_measured(_fan_out, env, after=consumer)
        return result | {"enqueued": consumer.messages, "distinct": len(consumer.holders), "seeded_seconds": seeded}


def run() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    sizes = os.environ.get("NOTIFY_BENCH_HOLDERS", "10000,100000")  # smaller for a quick run
    for holders in (int(size) for size in sizes.split(",")):
        r = broadcast(holders)
        rows += [
            (f"broadcast to {holders:,}: enqueued (distinct holders)", f"{r['enqueued']:,} ({r['distinct']:,})"),
            (
                f"broadcast to {holders:,}: fan-out peak memory (tracemalloc / ru_maxrss growth)",
                f"{r['peak'] / 1024:.0f} KiB / {r['rss_growth_kib']:,} KiB",
            ),
            (
                f"broadcast to {holders:,}: pages, fan-out time (seeding moto)",
                f"{r['pages']}, {r['seconds']:.0f} s ({r['seeded_seconds']:.0f} s)",
            ),
        ]
    return rows


if __name__ == "__main__":
    for figure, value in run():
        print(f"{figure}: {value}")
