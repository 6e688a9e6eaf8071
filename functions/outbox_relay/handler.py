"""The outbox relay: the outbox table's stream to the event bus, one record at a time.

Only INSERTs are events (REMOVEs are TTL expiries of relayed items). A record that cannot be put
on the bus is reported as a batch item failure: Lambda retries from it (bisecting), so nothing is
skipped; a record relayed twice is delivered once thanks to the consumers' delivery ledger.
"""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field

from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.components import component
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.settings import EnvironmentSettings
from ahaki.notifications.adapters.messaging import EVENT_BUS, OUTBOX_SOURCE

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class RelayFailed(Exception):
    """EventBridge did not accept the entry: retry the record."""


class RelaySettings(EnvironmentSettings):
    event_bus: str = Field(alias=EVENT_BUS.env_var)


@component
def settings() -> RelaySettings:
    return RelaySettings.from_env()


@component
def events_client() -> Any:
    return boto3.client("events", config=CLIENT_CONFIG)


def relay(record: DynamoDBRecord) -> None:
    if record.raw_event.get("eventName") != "INSERT":
        return  # a TTL expiry (REMOVE) or anything else: not an event
    image = (record.raw_event.get("dynamodb") or {}).get("NewImage") or {}
    event = OutboxEvent.model_validate_json(image["body"]["S"])
    result = events_client().put_events(
        Entries=[
            {
                "Source": OUTBOX_SOURCE,
                "DetailType": event.kind,
                "Detail": event.model_dump_json(),
                "EventBusName": settings().event_bus,
            }
        ]
    )
    if result.get("FailedEntryCount"):
        raise RelayFailed(str(result["Entries"][0].get("ErrorCode")))
    logger.info("relayed", extra={"event_id": event.event_id, "kind": event.kind})


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=relay, processor=processor, context=context
    )
