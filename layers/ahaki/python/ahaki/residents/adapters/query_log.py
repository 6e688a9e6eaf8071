"""The 住基ネット query log: the audit trail's records of one actor, through its by_actor index."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ahaki.kernel.audit import AuditRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoQueryLog:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def of_actor(self, tenant_id: str, actor_id: str, since: datetime, until: datetime) -> list[AuditRecord]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "by_actor",
            "KeyConditionExpression": "actor_key = :a AND occurred_at BETWEEN :s AND :u",
            "ExpressionAttributeValues": {
                ":a": {"S": f"T#{tenant_id}#ACTOR#{actor_id}"},
                ":s": {"S": since.isoformat()},
                ":u": {"S": until.isoformat()},
            },
        }
        records: list[AuditRecord] = []
        while True:
            page = self._client.query(**kwargs)
            records += [AuditRecord.model_validate_json(i["record"]["S"]) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return records
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
