"""The transaction builder: items with the error their failed condition means, one commit.

Contexts add their own items (their units of work subclass this); the audit record and the
outbox event of a change go in the same transaction as the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict, cast

from botocore.exceptions import ClientError

from ahaki.kernel.adapters.audit_trail import put_audit_item
from ahaki.kernel.audit import AuditRecord
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.retry import ChainContention, EventIdTaken, TransactionConflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        TransactWriteItemsInputTypeDef,
        TransactWriteItemTypeDef,
    )


class CancellationReason(TypedDict, total=False):
    """DynamoDB's CancellationReason, one per item of a cancelled transaction. boto3-stubs has no
    type for it, and botocore-stubs' private one types ``Item`` as a key/value pair, not the
    attribute map DynamoDB returns."""

    Code: str
    Message: str
    Item: dict[str, AttributeValueTypeDef]  # the old item, when the item asked for ALL_OLD


# Called with the failed item's cancellation reason (with the old item when the item asked for it).
Failure = Callable[[CancellationReason], Exception]
# Relayed within seconds; kept a week so a stalled relay can be redriven from the table itself.
OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600


class DynamoTransaction:
    def __init__(self, client: DynamoDBClient, audit_table: str, outbox_table: str) -> None:
        self._client = client
        self._audit = audit_table
        self._outbox = outbox_table
        # Each item, with the error its failed condition means.
        self._items: list[tuple[TransactWriteItemTypeDef, Failure]] = []
        self._token: str | None = None

    def add(self, item: TransactWriteItemTypeDef, failure: Failure) -> None:
        self._items.append((item, failure))

    def idempotent_as(self, token: str) -> None:
        """An SDK retry of this commit applies once (DynamoDB's ClientRequestToken)."""
        self._token = token

    def audit(self, record: AuditRecord) -> None:
        self.add({"Put": put_audit_item(self._audit, record)}, lambda _: ChainContention(record.chain))

    def emit(self, event: OutboxEvent) -> None:
        expires = int(event.occurred_at.timestamp()) + OUTBOX_RETENTION_SECONDS
        item = {
            "pk": {"S": f"EV#{event.event_id}"},
            "kind": {"S": event.kind},
            "tenant_id": {"S": event.tenant_id},
            "expires_at": {"N": str(expires)},
            "body": {"S": event.model_dump_json()},
        }
        self.add(
            {"Put": {"TableName": self._outbox, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
            lambda _: EventIdTaken(),
        )

    def commit(self) -> None:
        request: TransactWriteItemsInputTypeDef = {"TransactItems": [item for item, _ in self._items]}
        if self._token:
            request["ClientRequestToken"] = self._token
        try:
            self._client.transact_write_items(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            # botocore's response type has the wrong shape for an item (see CancellationReason).
            reasons = cast("list[CancellationReason]", error.response.get("CancellationReasons") or [])
            for (_, failure), reason in zip(self._items, reasons, strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    raise failure(reason) from None
            raise TransactionConflict from None  # another transaction held an item: retry
