"""The broadcast fan-out: one page of holders per message, then the next page, delayed.

Reserved concurrency 1 and batch size 1 on its queue make the rate: at most one page (FANOUT_PAGE_SIZE
holders) per FANOUT_PAGE_DELAY_SECONDS. Memory holds one page, whatever the audience.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.kernel.messages import MalformedMessage, parse_message
from ahaki.kernel.outbox import OutboxEvent
from ahaki.notifications.adapters.envelopes import is_relayed, relayed_event
from ahaki.notifications.domain.notification import FanoutPage
from ahaki.notifications.services.notices import fan_out_page, start_fanout
from ahaki.notifications.wiring import fanout_ports

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def step_of(body: str) -> OutboxEvent | FanoutPage:
    """The notice.requested event from the bus, or the next page; MalformedMessage (no values) if neither."""
    try:
        data = json.loads(body)
    except ValueError:
        raise MalformedMessage(FanoutPage.__name__, ["(body)"]) from None  # the decoder quotes the text
    return relayed_event(body) if is_relayed(data) else parse_message(data, FanoutPage)


def handle(record: SQSRecord) -> None:
    ports = fanout_ports()
    try:
        step = step_of(record.body)
    except MalformedMessage as refused:  # retried, then dead-lettered by SQS: the alarm tells staff
        extra = {"model": refused.model, "fields": refused.fields, "message_id": record.message_id}
        logger.warning("malformed message", extra=extra)
        raise
    if isinstance(step, OutboxEvent):
        event = step
        started = start_fanout(event)
        if isinstance(started, list):
            ports.notifier_queue.send_batch(started)
            logger.info("notice enqueued", extra={"notice_id": event.subject_id, "holders": 1})
            return
        page = started
    else:
        page = step
    following = fan_out_page(ports, page)
    logger.info(
        "page enqueued",
        extra={
            "notice_id": page.notice_id,
            "enqueued": following.enqueued if following else None,
            "done": not following,
        },
    )


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
    return dict(response)
