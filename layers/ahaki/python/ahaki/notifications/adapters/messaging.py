"""The one definition of the event bus, queues, rules and the staff topic (like schema.py for tables).

The CDK stack and the moto emulation both build from these specs, so they cannot drift.
Outbox events go: outbox stream -> relay -> bus -> one queue per consumer (rules below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ahaki.notifications.domain.events import NOTICE_REQUESTED, SILENT

OUTBOX_SOURCE = "ahaki.outbox"  # EventBridge source of every relayed outbox event


@dataclass(frozen=True)
class QueueSpec:
    logical_id: str
    env_var: str  # the queue URL
    dlq_env_var: str  # its dead-letter queue's URL
    visibility_timeout_seconds: int  # at least 6x the consumer's timeout, as AWS advises
    max_receive_count: int  # attempts before a message moves to the DLQ


@dataclass(frozen=True)
class RuleSpec:
    logical_id: str
    queue: QueueSpec
    pattern: dict[str, Any]


@dataclass(frozen=True)
class BusSpec:
    logical_id: str
    env_var: str  # the bus name


@dataclass(frozen=True)
class TopicSpec:
    logical_id: str
    env_var: str  # the topic ARN


EVENT_BUS = BusSpec("EventBus", "EVENT_BUS_NAME")
NOTIFIER_QUEUE = QueueSpec("NotifierQueue", "NOTIFIER_QUEUE_URL", "NOTIFIER_DLQ_URL", 180, 5)
FANOUT_QUEUE = QueueSpec("NoticeFanoutQueue", "FANOUT_QUEUE_URL", "FANOUT_DLQ_URL", 360, 5)
QUEUES: tuple[QueueSpec, ...] = (NOTIFIER_QUEUE, FANOUT_QUEUE)
STAFF_TOPIC = TopicSpec("StaffAlertsTopic", "STAFF_ALERTS_TOPIC_ARN")

RULES: tuple[RuleSpec, ...] = (
    # Every kind goes to the notifier, which dead-letters kinds it has no template for: a new kind
    # is noticed (DLQ alarm), never silently filtered out here. Only the kinds declared silent
    # (they send nothing) are left out by name, so the notifier is not invoked for them.
    RuleSpec(
        "OutboxToNotifier",
        NOTIFIER_QUEUE,
        {"source": [OUTBOX_SOURCE], "detail-type": [{"anything-but": [NOTICE_REQUESTED, *sorted(SILENT)]}]},
    ),
    RuleSpec("OutboxToNoticeFanout", FANOUT_QUEUE, {"source": [OUTBOX_SOURCE], "detail-type": [NOTICE_REQUESTED]}),
)
