"""SQS consumer of the sync: builds request files ("build" messages from the planner) and processes
result files (S3 event notifications of the inbound/ prefix). Partial batch failures: a failed
record alone is retried and, after maxReceiveCount, lands in the dead-letter queue."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field

from ahaki.kernel.settings import EnvironmentSettings
from ahaki.kernel.values import Qualification
from ahaki.registry.domain.registrant import Status
from ahaki.registry.wiring import ports
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.domain.sync_records import LOOKUP_RUN_PREFIX
from ahaki.residents.services import lookup as resident_lookup
from ahaki.residents.services import sync, sync_results
from ahaki.residents.wiring import sync_ports

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


class WorkerSettings(EnvironmentSettings):
    max_receives: int = Field(5, alias="SYNC_MAX_RECEIVES")  # the queue's maxReceiveCount


MAX_RECEIVES = WorkerSettings.from_env().max_receives


def handle(body: dict[str, Any], final_attempt: bool = False) -> None:
    if body.get("kind") == "build":
        key = FileKey(body["tenant_id"], body["run_id"], int(body["chunk_no"]))
        status, qualification = Status(body["status"]), Qualification(body["qualification"])
        cursor, page_size = body.get("cursor"), body.get("records")
        sync.build_chunk(ports(), sync_ports(), key, qualification, status, cursor, page_size, final_attempt)
        return
    for record in body.get("Records", []):  # an S3 event notification
        found = FileKey.parse(unquote_plus(record["s3"]["object"]["key"]))
        if found is None or not record["s3"]["object"]["key"].startswith("inbound/"):
            logger.warning("ignored an object outside inbound/", extra={"event": record.get("eventName")})
            continue
        if found.run_id.startswith(LOOKUP_RUN_PREFIX):  # J-LIS's answer to an on-demand look-up
            resident_lookup.receive_answer(ports(), sync_ports(), found)
            logger.info("look-up answered", extra={"lookup": found.run_id})
            continue
        counts = sync_results.process_result(ports(), sync_ports(), found, final_attempt)
        logger.info("result file processed", extra={"run_id": found.run_id, "chunk_no": found.chunk_no, **counts})


def record_handler(record: SQSRecord) -> None:
    # On the last receive before the dead-letter queue the chunk is counted failed first.
    final_attempt = int(record.attributes.approximate_receive_count) >= MAX_RECEIVES
    handle(json.loads(record.body), final_attempt)


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
