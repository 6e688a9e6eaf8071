"""Issue 5 figures (counts, never timed assertions): ``python -m benchmarks.notifications``.

1. 10,000 events through the real notifier use case with injected failures of the portal inbox
   and SES ports, an emulated SQS (receive counts, maxReceiveCount, DLQ) and the redrive: the
   deliveries per channel, duplicates, and the DLQ before and after redrive.
2. A broadcast fanned out against moto (register GSI pages, SQS) to 10,000 and 100,000 holders:
   the peak memory of the fan-out (tracemalloc), which must not grow with the audience.
"""

from __future__ import annotations

import sys
import tracemalloc
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parent.parent
for _path in (str(_REPO / "layers" / "ahaki" / "python"), str(_REPO)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from ahaki.adapters.messaging import NOTIFIER_QUEUE  # noqa: E402
from ahaki.domain.audit import AuditRecord, ChainHead  # noqa: E402
from ahaki.domain.notifications import (  # noqa: E402
    Channel,
    ContactPreference,
    DeliveryFailed,
    InboxItem,
    Rendered,
    Undeliverable,
)
from ahaki.domain.outbox import OutboxEvent  # noqa: E402
from ahaki.domain.registrant import Registrant  # noqa: E402
from ahaki.services.notification_ports import Claim, NotifierPorts  # noqa: E402
from ahaki.services.notifier import notify  # noqa: E402
from ahaki.services.ports import Ports  # noqa: E402

EVENTS = 10_000
FAIL_FIRST = 10  # percent of events whose delivery fails on the first attempt, per channel
FAIL_ALWAYS = 1  # percent failing on every attempt until "the cause is fixed" (they reach the DLQ)


def _bucket(event_id: str, channel: Channel) -> int:
    return zlib.crc32(f"{event_id}:{channel.value}".encode()) % 100


@dataclass
class Faults:
    fixed: bool = False  # set before the redrive: the outage is over
    attempts: Counter[str] = field(default_factory=Counter)

    def check(self, event_id: str, channel: Channel) -> None:
        key = f"{event_id}:{channel.value}"
        self.attempts[key] += 1
        bucket = _bucket(event_id, channel)
        if bucket < FAIL_ALWAYS and not self.fixed:
            raise DeliveryFailed("injected outage")
        if bucket < FAIL_FIRST and self.attempts[key] == 1:
            raise DeliveryFailed("injected failure")


@dataclass
class Ledger:
    states: dict[str, str] = field(default_factory=dict)

    def claim(self, event_id: str, channel: Channel, now: datetime) -> Claim:
        key = f"{event_id}#{channel.value}"
        state = self.states.get(key)
        if state == "delivered":
            return Claim.DELIVERED
        if state == "claimed":
            return Claim.IN_PROGRESS
        self.states[key] = "claimed"
        return Claim.CLAIMED

    def delivered(self, event_id: str, channel: Channel, now: datetime, reference: str) -> None:
        self.states[f"{event_id}#{channel.value}"] = "delivered"

    def release(self, event_id: str, channel: Channel) -> None:
        self.states[f"{event_id}#{channel.value}"] = "released"


@dataclass
class Sinks:
    faults: Faults
    inbox: Counter[str] = field(default_factory=Counter)
    email: Counter[str] = field(default_factory=Counter)

    def deliver(self, item: InboxItem) -> bool:
        self.faults.check(item.event_id, Channel.PORTAL_INBOX)
        self.inbox[item.event_id] += 1
        return True

    def send(self, to: str, message: Rendered) -> str:
        event_id = to.split("@", 1)[0]  # the benchmark addresses each event's holder by event id
        self.faults.check(event_id, Channel.EMAIL)
        self.email[event_id] += 1
        return event_id


class _Audit:
    def head(self, chain: str) -> ChainHead:
        return ChainHead(chain=chain)

    def append(self, record: AuditRecord) -> None:
        return None


def _ports(holders: dict[str, Registrant], sinks: Sinks, ledger: Ledger) -> NotifierPorts:
    now = datetime.now(UTC)
    register: Any = Ports(
        reader=type("Reader", (), {"get": lambda self, t, q: holders.get(q)})(),
        sequence=None,  # type: ignore[arg-type]
        vault=None,  # type: ignore[arg-type]
        audit=_Audit(),
        unit_of_work=lambda: None,  # type: ignore[arg-type, return-value]
        clock=lambda: now,
        new_id=lambda: "x",
    )
    contacts = type(
        "Contacts",
        (),
        {
            "get": lambda self, t, q: ContactPreference(
                tenant_id=t, qualification_pseudonym_id=q, email=f"{q}@example.jp", email_opt_in=True
            )
        },
    )()
    notices = type("Notices", (), {"get": lambda self, t, n: None})()
    return NotifierPorts(
        register=register,
        holders=None,  # type: ignore[arg-type]
        ledger=ledger,
        inbox=sinks,  # type: ignore[arg-type]
        email=sinks,
        staff=None,  # type: ignore[arg-type]
        contacts=contacts,
        notices=notices,
        dead_letters=None,  # type: ignore[arg-type]
        retention_seconds=3600,
        clock=lambda: now,
    )


def _holder(qid: str) -> Registrant:
    return Registrant.model_validate(
        {
            "tenant_id": "foundation",
            "qualification": "anma_massage_shiatsu",
            "qualification_pseudonym_id": qid,
            "portal_pseudonym_id": f"pp-{qid}",
            "registration_number": 1,
            "registered_on": "2020-04-01",
            "name": {"family": "試験", "given": "太郎"},
            "name_kana": {"family": "シケン", "given": "タロウ"},
            "sex": "male",
            "birth_date": "1980-01-01",
            "origin": {"honseki_prefecture": "13"},
            "exam_passed_in": "2020-03",
            "address": {"municipality_code": "131016", "line": "千代田区1"},
            "minister_name": "厚生労働大臣",
            "chair_name": "理事長",
        }
    )


def deliveries() -> list[tuple[str, str]]:
    """The event id doubles as the holder id, so each event has its own holder and e-mail address."""
    event_ids = [f"ev{n:05d}" for n in range(EVENTS)]
    holders = {e: _holder(e) for e in event_ids}
    faults, ledger = Faults(), Ledger()
    sinks = Sinks(faults)
    ports = _ports(holders, sinks, ledger)
    now = datetime.now(UTC)
    bodies = {
        e: OutboxEvent(event_id=e, tenant_id="foundation", kind="registrant.correct", occurred_at=now, subject_id=e)
        for e in event_ids
    }
    # Every event arrives twice (at-least-once relay and queue): the duplicates must deliver nothing.
    queue: list[tuple[str, int]] = [(e, 0) for e in event_ids] + [(e, 0) for e in event_ids[::10]]
    dlq: list[str] = []

    def run(queue: list[tuple[str, int]]) -> None:
        while queue:
            retry: list[tuple[str, int]] = []
            for event_id, received in queue:  # one SQS receive each; a failure is a batch item failure
                try:
                    notify(ports, bodies[event_id])
                except Undeliverable:
                    dlq.append(event_id)
                except Exception:
                    if received + 1 >= NOTIFIER_QUEUE.max_receive_count:
                        dlq.append(event_id)  # SQS's redrive policy moves it
                    else:
                        retry.append((event_id, received + 1))
            queue = retry

    run(queue)
    before = len(dlq)
    faults.fixed = True
    redriven, dlq[:] = list(dlq), []
    run([(e, 0) for e in redriven])
    run([(e, 0) for e in redriven])  # the redrive run twice: nothing more is delivered
    duplicates = sum(n - 1 for n in sinks.inbox.values() if n > 1) + sum(n - 1 for n in sinks.email.values() if n > 1)
    injected = sum(1 for e in event_ids for c in (Channel.PORTAL_INBOX, Channel.EMAIL) if _bucket(e, c) < FAIL_FIRST)
    return [
        ("events (+10% duplicated by the queue)", f"{EVENTS} (+{EVENTS // 10})"),
        ("injected delivery failures (inbox + SES)", f"{injected} events-channels ({FAIL_FIRST}% each)"),
        ("portal inbox deliveries", str(sum(sinks.inbox.values()))),
        ("e-mail deliveries", str(sum(sinks.email.values()))),
        ("duplicate deliveries", str(duplicates)),
        ("DLQ before redrive / after redrive (twice)", f"{before} / {len(dlq)}"),
    ]


@dataclass
class _PagedHolders:
    """The register's by_status pages, generated: moto materialises the whole table on every GSI
    query (time and memory grow with it), so a moto-backed directory would measure moto, not us.
    The fan-out's own SQS traffic (the next-page messages) still goes through moto."""

    holders: int

    def holder_ids(
        self, tenant_id: str, qualification: Any, status: Any, limit: int, cursor: str | None
    ) -> tuple[list[str], str | None]:
        if status.value != "registered":
            return [], None
        start = int(cursor or 0)
        end = min(start + limit, self.holders)
        return [f"q{n:07d}" for n in range(start, end)], (str(end) if end < self.holders else None)


def broadcast(holders: int, page_size: int = 1000) -> tuple[int, int]:
    """Fans a notice out to ``holders``; returns (enqueued, peak bytes of the fan-out)."""
    import boto3

    from ahaki.adapters.messaging_clients import SqsQueue
    from ahaki.domain.notifications import FanoutPage
    from ahaki.domain.values import Qualification
    from ahaki.services.notices import fan_out_page
    from ahaki.services.notification_ports import FanoutPorts
    from infra.sandbox.emulated_aws import REGION, emulated_aws

    @dataclass
    class CountingQueue:  # the notifier's queue: counted, not kept, so no queue storage is measured
        sent: int = 0

        def send_batch(self, bodies: Any, delay_seconds: int = 0) -> None:
            self.sent += len(bodies)

    with emulated_aws(prefix=f"bench{holders}") as aws:
        sqs = boto3.client("sqs", region_name=REGION)
        fanout_url = aws.env["FANOUT_QUEUE_URL"]
        notifier_queue = CountingQueue()
        ports = FanoutPorts(
            holders=_PagedHolders(holders),  # type: ignore[arg-type]
            notifier_queue=notifier_queue,
            fanout_queue=SqsQueue(sqs, fanout_url),
            page_size=page_size,
            page_delay_seconds=0,
        )
        page: FanoutPage | None = FanoutPage(
            notice_id="n1",
            tenant_id="foundation",
            qualification=Qualification.ANMA_MASSAGE_SHIATSU,
            occurred_at=datetime.now(UTC),
        )
        tracemalloc.start()
        while page is not None:
            page = fan_out_page(ports, page)
            # The next page went through moto's SQS: take it off, as the fan-out's mapping would.
            for message in sqs.receive_message(QueueUrl=fanout_url, MaxNumberOfMessages=10).get("Messages", []):
                sqs.delete_message(QueueUrl=fanout_url, ReceiptHandle=message["ReceiptHandle"])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return notifier_queue.sent, peak


def run() -> list[tuple[str, str]]:
    rows = deliveries()
    for holders in (10_000, 100_000):
        enqueued, peak = broadcast(holders)
        rows.append(
            (
                f"broadcast to {holders:,} holders: enqueued / fan-out peak memory",
                f"{enqueued:,} / {peak / 1024:.0f} KiB",
            )
        )
    return rows


if __name__ == "__main__":
    for figure, value in run():
        print(f"{figure}: {value}")
