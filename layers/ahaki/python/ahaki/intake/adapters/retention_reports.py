"""Deletion reports of the retention job, kept in the applications table under their tenant.

One partition per tenant (``T#<tenant>#RETENTION``), one item per run; the report id starts with
the run's time, so the newest come first. Reports hold ids, codes and counts, never personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ahaki.intake.domain.retention import DeletionReport

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REPORT_PREFIX = "REPORT#"


def reports_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#RETENTION"


class DynamoRetentionReports:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def save(self, report: DeletionReport) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                "pk": {"S": reports_pk(report.tenant_id)},
                "sk": {"S": REPORT_PREFIX + report.report_id},
                "body": {"S": report.model_dump_json()},
            },
        )

    def recent(self, tenant_id: str, limit: int) -> list[DeletionReport]:
        found = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": reports_pk(tenant_id)}, ":prefix": {"S": REPORT_PREFIX}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [DeletionReport.model_validate_json(item["body"]["S"]) for item in found["Items"]]

    def get(self, tenant_id: str, report_id: str) -> DeletionReport | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": reports_pk(tenant_id)}, "sk": {"S": REPORT_PREFIX + report_id}},
        )
        return DeletionReport.model_validate_json(found["Item"]["body"]["S"]) if "Item" in found else None
