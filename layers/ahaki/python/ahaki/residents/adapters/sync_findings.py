"""The sync table's findings: opened with their outbox event in one transaction (once per run and
registrant), closed only while open, listed by status through the ``by_finding_status`` index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.kernel.adapters.cursor import decode_cursor, encode_cursor
from ahaki.kernel.errors import NotFound
from ahaki.kernel.outbox import OutboxEvent
from ahaki.residents.adapters.sync_items import (
    FINDING,
    conditional_failed,
    finding_pk,
    status_key,
    transact,
)
from ahaki.residents.domain.sync_records import (
    Finding,
    FindingStatus,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


# A page of the findings-by-status index ends at a key of these.
_PAGE_END = {"pk": "S", "sk": "S", "gsi_fs": "S", "gsi_fs_sk": "S"}


class FindingItems:
    """Part of ``DynamoSyncStore``: its client, table and the outbox table."""

    _client: DynamoDBClient
    _table: str
    _outbox: str

    def open_finding(self, finding: Finding, event: OutboxEvent, expires_at: int) -> bool:
        """The finding and its outbox event in one transaction; False if it was already open."""
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._finding_item(finding),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        emit: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._outbox,
                "Item": {
                    "pk": {"S": f"EV#{event.event_id}"},
                    "kind": {"S": event.kind},
                    "tenant_id": {"S": event.tenant_id},
                    "expires_at": {"N": str(expires_at)},
                    "body": {"S": event.model_dump_json()},
                },
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        return transact(self._client, [put, emit])

    def get_finding(self, tenant_id: str, finding_id: str) -> Finding | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": finding_pk(tenant_id, finding_id)}, "sk": {"S": FINDING}},
            ConsistentRead=True,
        ).get("Item")
        return Finding.model_validate_json(found["body"]["S"]) if found else None

    def close_finding(self, finding: Finding) -> None:
        """Store a resolved or dismissed finding, if it is still open (else NotFound: gone)."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=self._finding_item(finding),
                ConditionExpression="#s = :open",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":open": {"S": FindingStatus.OPEN.value}},
            )
        except ClientError as error:
            if conditional_failed(error):
                raise NotFound("no open finding with this id") from None
            raise

    def findings(
        self, tenant_id: str, status: FindingStatus, limit: int, cursor: str | None
    ) -> tuple[list[Finding], str | None]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "by_finding_status",
            "KeyConditionExpression": "gsi_fs = :s",
            "ExpressionAttributeValues": {":s": {"S": status_key(tenant_id, status)}},
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = decode_cursor(cursor, _PAGE_END, {"gsi_fs": status_key(tenant_id, status)})
        found = self._client.query(**kwargs)
        items = [Finding.model_validate_json(i["body"]["S"]) for i in found["Items"]]
        last = found.get("LastEvaluatedKey")
        return items, encode_cursor(last) if last else None

    def _finding_item(self, finding: Finding) -> dict[str, Any]:
        return {
            "pk": {"S": finding_pk(finding.tenant_id, finding.finding_id)},
            "sk": {"S": FINDING},
            "status": {"S": finding.status.value},
            "gsi_fs": {"S": status_key(finding.tenant_id, finding.status)},
            "gsi_fs_sk": {"S": f"{finding.opened_at.isoformat()}#{finding.finding_id}"},
            "body": {"S": finding.model_dump_json()},
        }
