"""On-demand look-ups in the sync table: ``T#<tenant>#LOOKUP#<id>`` / ``LOOKUP``, the look-up as JSON.

A look-up is put once (``attribute_not_exists``) and answered once (only while ``pending``), so a
result file delivered twice changes nothing. The answer holds personal data: the item expires
(TTL on ``expires_at``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.residents.domain.sync_records import Lookup

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LOOKUP = "LOOKUP"


def lookup_key(tenant_id: str, lookup_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"T#{tenant_id}#LOOKUP#{lookup_id}"}, "sk": {"S": LOOKUP}}


class DynamoLookups:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def save(self, lookup: Lookup) -> None:
        self._client.put_item(
            TableName=self._table,
            Item=self._item(lookup),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get(self, tenant_id: str, lookup_id: str) -> Lookup | None:
        found = self._client.get_item(
            TableName=self._table, Key=lookup_key(tenant_id, lookup_id), ConsistentRead=True
        ).get("Item")
        return Lookup.model_validate_json(found["body"]["S"]) if found else None

    def answer(self, lookup: Lookup) -> bool:
        """Store the answer; False if the look-up was answered before (a redelivered result)."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=self._item(lookup),
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":pending": {"S": "pending"}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    @staticmethod
    def _item(lookup: Lookup) -> dict[str, Any]:
        return {
            **lookup_key(lookup.tenant_id, lookup.lookup_id),
            "status": {"S": lookup.status},
            "expires_at": {"N": str(lookup.expires_at)},
            "body": {"S": lookup.model_dump_json()},
        }
