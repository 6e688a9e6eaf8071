"""The audit table: records are only ever put, each on a free position of its chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.kernel.audit import AuditRecord, ChainHead
from ahaki.kernel.retry import ChainContention

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, PutTypeDef


def audit_item(record: AuditRecord) -> dict[str, AttributeValueTypeDef]:
    return {
        "chain": {"S": record.chain},
        "seq": {"N": str(record.seq)},
        "hash": {"S": record.hash},
        "actor_key": {"S": f"T#{record.tenant_id}#ACTOR#{record.actor}"},
        "occurred_at": {"S": record.occurred_at.isoformat()},
        "record": {"S": record.model_dump_json()},
    }


def put_audit_item(table: str, record: AuditRecord) -> PutTypeDef:
    """The Put of a record, for PutItem or a transaction: it may only take a free position."""
    return {
        "TableName": table,
        "Item": audit_item(record),
        "ConditionExpression": "attribute_not_exists(chain)",
    }


class DynamoAuditTrail:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def head(self, chain: str) -> ChainHead:
        found = self._client.query(
            TableName=self._table,
            KeyConditionExpression="chain = :c",
            ExpressionAttributeValues={":c": {"S": chain}},
            ProjectionExpression="seq, #h",
            ExpressionAttributeNames={"#h": "hash"},
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        if not found["Items"]:
            return ChainHead(chain=chain)
        last = found["Items"][0]
        return ChainHead(chain=chain, seq=int(last["seq"]["N"]), hash=last["hash"]["S"])

    def append(self, record: AuditRecord) -> None:
        try:
            self._client.put_item(**put_audit_item(self._table, record))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ChainContention(record.chain) from None
            raise

    def records(self, chain: str) -> list[AuditRecord]:
        """A whole chain, oldest first (for verification and the auditors' tools)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "chain = :c",
            "ExpressionAttributeValues": {":c": {"S": chain}},
            "ConsistentRead": True,
        }
        records: list[AuditRecord] = []
        while True:
            page = self._client.query(**kwargs)
            records += [AuditRecord.model_validate_json(i["record"]["S"]) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return records
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
