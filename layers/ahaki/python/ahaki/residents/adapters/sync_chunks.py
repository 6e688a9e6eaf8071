"""The sync table's chunk items: a chunk's checkpoints (requested, bound to its result file,
processed), its failure markers while it sits in the dead-letter queue, and the per-registrant
effect markers of a run. A chunk's counts join its run in the transaction that moves the chunk to
PROCESSED (conditionally), so a redelivered chunk adds nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ahaki.residents.adapters.sync_items import (
    PROCESSED,
    REQUESTED,
    add_to_counters,
    chunk_sk,
    conditional_failed,
    run_key,
    run_pk,
    transact,
)
from ahaki.residents.services.ports import ChunkState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef


class ChunkItems:
    """Part of ``DynamoSyncStore``: its client and table."""

    _client: DynamoDBClient
    _table: str

    def chunk_failing(self, tenant_id: str, run_id: str, chunk_no: int, stage: str) -> bool:
        """The chunk's message is on its last receive: counted failed now, so a worker that dies
        on it leaves it counted while it sits in the DLQ. False if it was counted already."""
        return self._fail_marker(tenant_id, run_id, chunk_no, stage, +1)

    def chunk_recovered(self, tenant_id: str, run_id: str, chunk_no: int, stage: str) -> bool:
        """The chunk's message succeeded (e.g. after a redrive): no longer failed. False if it
        was not counted failed."""
        return self._fail_marker(tenant_id, run_id, chunk_no, stage, -1)

    def chunk_state(self, tenant_id: str, run_id: str, chunk_no: int) -> ChunkState:
        """The chunk's checkpoint and its failure markers (keys under it), in one Query."""
        found = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :chunk)",
            ExpressionAttributeValues={":pk": {"S": run_pk(tenant_id, run_id)}, ":chunk": {"S": chunk_sk(chunk_no)}},
            ConsistentRead=True,
        )["Items"]
        chunk = next((i for i in found if i["sk"]["S"] == chunk_sk(chunk_no)), None)
        failing = frozenset(i["sk"]["S"].rsplit("#", 1)[1] for i in found if "#FAIL#" in i["sk"]["S"])
        if chunk is None:
            return ChunkState(None, failing)
        digest = chunk.get("digest", {}).get("S")
        return ChunkState(str(chunk["state"]["S"]), failing, str(digest) if digest else None)

    def chunk_requested(self, tenant_id: str, run_id: str, chunk_no: int, requested: int, unasked: int = 0) -> bool:
        """Checkpoint: the request file is out. False if a redelivery got here first. Registrants
        the file could not carry (``unasked``) count as unanswered."""
        chunk: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": {
                    "pk": {"S": run_pk(tenant_id, run_id)},
                    "sk": {"S": chunk_sk(chunk_no)},
                    "state": {"S": REQUESTED},
                    "requested": {"N": str(requested)},
                },
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        amounts = {"requested": requested, "chunks_requested": 1, **({"unanswered": unasked} if unasked else {})}
        run = add_to_counters(self._table, run_key(tenant_id, run_id), amounts)
        return transact(self._client, [chunk, run])

    def claim_result(self, tenant_id: str, run_id: str, chunk_no: int, digest: str) -> bool:
        """Bind the requested chunk to the result file with this SHA-256 before anything of it is
        applied. False if it is bound to another file (one replaced at its key meanwhile)."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": chunk_sk(chunk_no)}},
                UpdateExpression="SET #d = :d",
                ConditionExpression="attribute_not_exists(#d) OR #d = :d",
                ExpressionAttributeNames={"#d": "digest"},
                ExpressionAttributeValues={":d": {"S": digest}},
            )
        except ClientError as error:
            if conditional_failed(error):
                return False
            raise
        return True

    def chunk_processed(
        self, tenant_id: str, run_id: str, chunk_no: int, counts: dict[str, int], problem: str | None, digest: str
    ) -> bool:
        """Checkpoint: the result file is done; its counts join the run's exactly once. The file's
        SHA-256 stays with the chunk, so a different file at the same key is told apart."""
        names = {"#s": "state", "#p": "problem", "#d": "digest"}
        chunk: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": {"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": chunk_sk(chunk_no)}},
                "UpdateExpression": "SET #s = :done, #p = :problem, #d = :digest",
                "ConditionExpression": "#s = :requested",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": {
                    ":done": {"S": PROCESSED},
                    ":requested": {"S": REQUESTED},
                    ":problem": {"S": problem or ""},
                    ":digest": {"S": digest},
                },
            }
        }
        adds = {**{k: v for k, v in counts.items() if v}, "chunks_processed": 1}
        run = add_to_counters(self._table, run_key(tenant_id, run_id), adds)
        return transact(self._client, [chunk, run])

    def mark(self, tenant_id: str, run_id: str, qualification_pseudonym_id: str, state: str) -> str | None:
        """Record the state of one registrant's effect in a run; returns the state found before."""
        try:
            old = self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": run_pk(tenant_id, run_id)},
                    "sk": {"S": f"REC#{qualification_pseudonym_id}"},
                    "state": {"S": state},
                },
                ReturnValues="ALL_OLD",
            ).get("Attributes")
        except ClientError:
            raise
        return str(old["state"]["S"]) if old else None

    def marked(self, tenant_id: str, run_id: str, qualification_pseudonym_id: str) -> str | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": f"REC#{qualification_pseudonym_id}"}},
            ConsistentRead=True,
        ).get("Item")
        return str(found["state"]["S"]) if found else None

    def _fail_marker(self, tenant_id: str, run_id: str, chunk_no: int, stage: str, change: int) -> bool:
        key: dict[str, AttributeValueTypeDef] = {
            "pk": {"S": run_pk(tenant_id, run_id)},
            "sk": {"S": f"{chunk_sk(chunk_no)}#FAIL#{stage}"},
        }
        marker: TransactWriteItemTypeDef = (
            {"Put": {"TableName": self._table, "Item": key, "ConditionExpression": "attribute_not_exists(pk)"}}
            if change > 0
            else {"Delete": {"TableName": self._table, "Key": key, "ConditionExpression": "attribute_exists(pk)"}}
        )
        run = add_to_counters(self._table, run_key(tenant_id, run_id), {"failed": change})
        return transact(self._client, [marker, run])
