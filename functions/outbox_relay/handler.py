"""The outbox relay: the outbox table's stream to the event bus, one record at a time.

Only INSERTs are events (REMOVEs are TTL expiries of relayed items). A record that cannot be put
on the bus is reported as a batch item failure: Lambda retries from it (bisecting), so nothing is
skipped; a record relayed twice is delivered once thanks to the consumers' delivery ledger.
Each record is validated as Powertools' DynamoDB stream record with the outbox item's image; one
that does not fit is its own failure, logged by field names, never values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamChangedRecordModel, DynamoDBStreamRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, Json

from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.components import component
from ahaki.kernel.messages import MalformedMessage, parse_message
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.settings import EnvironmentSettings
from ahaki.notifications.adapters.messaging import EVENT_BUS, OUTBOX_SOURCE

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class RelayFailed(Exception):
    """EventBridge did not accept the entry: retry the record."""


class OutboxImage(BaseModel):
    body: Json[OutboxEvent]  # the item's body attribute: the event as JSON text


class OutboxChange(DynamoDBStreamChangedRecordModel):
    NewImage: OutboxImage | None = None  # narrows Powertools' dict to the outbox item


class OutboxRecord(DynamoDBStreamRecordModel):
    dynamodb: OutboxChange


class RelaySettings(EnvironmentSettings):
    event_bus: str = Field(alias=EVENT_BUS.env_var)


@component
def settings() -> RelaySettings:
    return RelaySettings.from_env()


@component
def events_client() -> EventBridgeClient:
    return boto3.client("events", config=CLIENT_CONFIG)


def relay(record: DynamoDBRecord) -> None:
    if record.raw_event.get("eventName") != "INSERT":
        return  # a TTL expiry (REMOVE) or anything else: not an event
    try:
        change = parse_message(record.raw_event, OutboxRecord)
        if change.dynamodb.NewImage is None:
            raise MalformedMessage(OutboxRecord.__name__, ["dynamodb.NewImage"])
    except MalformedMessage as refused:
        logger.warning("malformed stream record", extra={"model": refused.model, "fields": refused.fields})
        raise
    event = change.dynamodb.NewImage.body
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
    response = process_partial_response(event=event, record_handler=relay, processor=processor, context=context)
    return dict(response)
