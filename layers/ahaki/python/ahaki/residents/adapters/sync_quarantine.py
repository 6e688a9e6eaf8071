"""The sync table's quarantine lists: what of a run's result files was refused, and which
registrants were not settled, and why (docs/jlis-file-format.md). Keys under the run's partition:
``QUAR#<chunk>#<kind>``, so a redelivery writes the same items again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ahaki.kernel.adapters.cursor import decode_cursor, encode_cursor
from ahaki.residents.domain.sync_outcome import Quarantined
from ahaki.residents.domain.sync_records import QuarantineEntry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestUnionTypeDef


class QuarantineItems:
    """Part of ``DynamoSyncStore``: its client, table and run partition."""

    _client: DynamoDBClient
    _table: str

    def _run_partition(self, tenant_id: str, run_id: str) -> str:
        raise NotImplementedError

    def quarantine_all(self, tenant_id: str, run_id: str, chunk_no: int, entries: list[Quarantined]) -> None:
        """The chunk's quarantine list, 25 items a call; each entry's key is its kind within the
        chunk, so a redelivery writes the same items again (idempotent)."""
        items = [self._quarantine_item(tenant_id, run_id, chunk_no, e) for e in entries]
        for start in range(0, len(items), 25):
            requests: Mapping[str, Sequence[WriteRequestUnionTypeDef]] = {
                self._table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            }
            while requests:
                requests = self._client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}

    def _quarantine_item(self, tenant_id: str, run_id: str, chunk_no: int, entry: Quarantined) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": {"S": self._run_partition(tenant_id, run_id)},
            "sk": {"S": f"QUAR#{chunk_no:06d}#{entry.kind}"},
            "chunk_no": {"N": str(chunk_no)},
            "line_no": {"N": str(entry.line_no)},
            "reason": {"S": entry.reason},
            "request_record_number": {"N": str(entry.request_record_number or 0)},
        }
        if entry.qualification_pseudonym_id:
            item["qid"] = {"S": entry.qualification_pseudonym_id}
        return item

    def quarantined(
        self, tenant_id: str, run_id: str, limit: int, cursor: str | None
    ) -> tuple[list[QuarantineEntry], str | None]:
        """A page of the run's quarantine lists: reasons and registrants' ids (no value of any row)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :q)",
            "ExpressionAttributeValues": {":pk": {"S": self._run_partition(tenant_id, run_id)}, ":q": {"S": "QUAR#"}},
            "ConsistentRead": True,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = decode_cursor(
                cursor, {"pk": "S", "sk": "S"}, {"pk": self._run_partition(tenant_id, run_id)}
            )
        page = self._client.query(**kwargs)
        entries = [
            QuarantineEntry(
                chunk_no=int(i["chunk_no"]["N"]),
                line_no=int(i["line_no"]["N"]),
                reason=i["reason"]["S"],
                request_record_number=int(i["request_record_number"]["N"]) or None,
                qualification_pseudonym_id=i.get("qid", {}).get("S"),
            )
            for i in page["Items"]
        ]
        last = page.get("LastEvaluatedKey")
        return entries, encode_cursor(last) if last else None
