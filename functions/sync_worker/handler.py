"""SQS consumer of the sync: builds request files ("build" messages from the planner) and processes
result files (S3 event notifications of the inbound/ prefix). Partial batch failures: a failed
record alone is retried and, after maxReceiveCount, lands in the dead-letter queue. A message that
fits neither model is such a failure too: logged with its fields' names, never their values."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field

from ahaki.kernel.messages import MalformedMessage, parse_message
from ahaki.kernel.settings import EnvironmentSettings
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.domain.sync_messages import BuildMessage, ResultNotification
from ahaki.residents.domain.sync_records import LOOKUP_RUN_PREFIX
from ahaki.residents.services import lookup as resident_lookup
from ahaki.residents.services import sync, sync_results
from ahaki.residents.wiring import register_ports, sync_ports

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


class WorkerSettings(EnvironmentSettings):
    max_receives: int = Field(5, alias="SYNC_MAX_RECEIVES")  # the queue's maxReceiveCount


MAX_RECEIVES = WorkerSettings.from_env().max_receives


def handle(body: dict[str, Any], final_attempt: bool = False) -> None:
    """One message; MalformedMessage if it fits neither model."""
    if body.get("kind") == "build":
        build(parse_message(body, BuildMessage), final_attempt)
        return
    notification = parse_message(body, ResultNotification)
    for record in notification.Records:
        key = unquote_plus(record.s3.stored.key)
        found = FileKey.parse(key)
        if found is None or not record.s3.stored.key.startswith("inbound/"):
            logger.warning("ignored an object outside inbound/", extra={"event": record.eventName})
            continue
        if found.run_id.startswith(LOOKUP_RUN_PREFIX):  # J-LIS's answer to an on-demand look-up
            resident_lookup.receive_answer(register_ports(), sync_ports(), found)
            logger.info("look-up answered", extra={"lookup": found.run_id})
            continue
        counts = sync_results.process_result(register_ports(), sync_ports(), found, final_attempt)
        logger.info("result file processed", extra={"run_id": found.run_id, "chunk_no": found.chunk_no, **counts})


def build(message: BuildMessage, final_attempt: bool) -> None:
    key = FileKey(message.tenant_id, message.run_id, message.chunk_no)
    sync.build_chunk(
        register_ports(),
        sync_ports(),
        key,
        message.qualification,
        message.status,
        message.cursor,
        message.records,
        final_attempt,
    )


def _json_object(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError:
        raise MalformedMessage("SyncMessage", ["(body)"]) from None  # the decoder's message quotes the text
    if not isinstance(body, dict):
        raise MalformedMessage("SyncMessage", ["(body)"])
    return body


def record_handler(record: SQSRecord) -> None:
    # On the last receive before the dead-letter queue the chunk is counted failed first.
    final_attempt = int(record.attributes.approximate_receive_count) >= MAX_RECEIVES
    try:
        handle(_json_object(record.body), final_attempt)
    except MalformedMessage as refused:
        logger.warning(
            "malformed message",
            extra={"model": refused.model, "fields": refused.fields, "message_id": record.message_id},
        )
        raise


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
