"""The sync table: runs and their counts, chunk checkpoints, effect markers, findings, resident
codes and look-up rate counters (keys in ``kernel.specs.SYNC_TABLE``).

Exactly-once in effect: a chunk's counts are added to its run in the same transaction that moves
the chunk to PROCESSED (conditionally), so a redelivered chunk adds nothing; findings and effect
markers are put with ``attribute_not_exists`` on keys made of run and registrant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.kernel.qualification import Qualification
from ahaki.residents.adapters.notation_items import NotationItems
from ahaki.residents.adapters.sync_chunks import ChunkItems
from ahaki.residents.adapters.sync_findings import FindingItems
from ahaki.residents.adapters.sync_items import (
    conditional_failed,
    resident_codes_pk,
    run_pk,
)
from ahaki.residents.adapters.sync_quarantine import QuarantineItems
from ahaki.residents.adapters.sync_runs import RunItems

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoSyncStore(RunItems, ChunkItems, FindingItems, QuarantineItems, NotationItems):
    """The sync store port over one table (and the outbox table for findings' events); each item
    family is its own module, mixed in here."""

    def __init__(self, client: DynamoDBClient, table: str, outbox_table: str) -> None:
        self._client = client
        self._table = table
        self._outbox = outbox_table

    def resident_codes(
        self, tenant_id: str, qualification: Qualification, first_number: int, last_number: int
    ) -> dict[str, str]:
        """Learned 住民票コード of the registrants numbered first..last: one Query per ~10,000
        (the links sit in registration-number order, like the by_status pages that ask for them)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
            "ExpressionAttributeValues": {
                ":pk": {"S": resident_codes_pk(tenant_id, qualification)},
                ":a": {"S": f"{first_number:010d}"},
                ":b": {"S": f"{last_number:010d}"},
            },
            "ConsistentRead": True,
        }
        codes: dict[str, str] = {}
        while True:
            page = self._client.query(**kwargs)
            codes.update({i["qid"]["S"]: i["code"]["S"] for i in page["Items"]})
            if "LastEvaluatedKey" not in page:
                return codes
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def link_resident(
        self, tenant_id: str, qualification: Qualification, registration_number: int, qid: str, resident_code: str
    ) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                "pk": {"S": resident_codes_pk(tenant_id, qualification)},
                "sk": {"S": f"{registration_number:010d}"},
                "qid": {"S": qid},
                "code": {"S": resident_code},
            },
        )

    def take(self, tenant_id: str, actor_id: str, window: str, limit: int, expires_at: int) -> bool:
        """One unit of the actor's look-up allowance in this window; False when it is used up."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": f"T#{tenant_id}#RATE#{actor_id}"}, "sk": {"S": window}},
                UpdateExpression="ADD #n :one SET expires_at = :exp",
                ConditionExpression="attribute_not_exists(#n) OR #n < :limit",
                ExpressionAttributeNames={"#n": "used"},
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":exp": {"N": str(expires_at)},
                },
            )
        except ClientError as error:
            if conditional_failed(error):
                return False
            raise
        return True

    def _run_partition(self, tenant_id: str, run_id: str) -> str:
        return run_pk(tenant_id, run_id)
