"""The notifier: SQS batches of outbox events (ids only) to the portal inbox, e-mail and staff alerts.

Undeliverable messages (no template, failed render, no holder, no channel) go to the DLQ at once
with their reason and leave the queue; a failing channel is a batch item failure, retried, and
dead-lettered by SQS after maxReceiveCount (the DLQ alarm pages staff either way).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.kernel.messages import MalformedMessage
from ahaki.notifications.adapters.envelopes import relayed_event
from ahaki.notifications.domain.notification import Undeliverable
from ahaki.notifications.services.notifier import notify
from ahaki.notifications.wiring import notifier_ports

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def handle(record: SQSRecord) -> None:
    ports = notifier_ports()
    try:
        event = relayed_event(record.body)
    except MalformedMessage as refused:
        ports.dead_letters.dead_letter(record.body, "malformed", "not an outbox event")
        extra = {
            "reason": "malformed",
            "message_id": record.message_id,
            "model": refused.model,
            "fields": refused.fields,
        }
        logger.warning("dead-lettered", extra=extra)
        return
    try:
        outcome = notify(ports, event)
    except Undeliverable as problem:
        ports.dead_letters.dead_letter(record.body, problem.reason, problem.detail)
        ports.staff.alert("notification.dead_lettered", {"event_id": event.event_id, "reason": problem.reason})
        logger.warning(
            "dead-lettered", extra={"reason": problem.reason, "event_id": event.event_id, "kind": event.kind}
        )
        return
    except Exception as error:
        # The type only: a message of a deeper library may quote an address.
        logger.warning("delivery failed", extra={"error": type(error).__name__, "event_id": event.event_id})
        raise
    logger.info(
        "notified",
        extra={
            "event_id": event.event_id,
            "kind": event.kind,
            "delivered": [c.value for c in outcome.delivered],
            "skipped": [c.value for c in outcome.skipped],
            "unreachable": outcome.unreachable,  # recorded in the ledger, not dead-lettered
        },
    )


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
    return dict(response)
