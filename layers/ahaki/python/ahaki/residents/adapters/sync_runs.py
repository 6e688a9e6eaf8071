"""The sync table's run items: a run, its counts (added atomically) and its planner's checkpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ahaki.residents.adapters.sync_items import (
    RUN,
    add_update,
    conditional_failed,
    run_key,
    run_pk,
)
from ahaki.residents.domain.sync_records import (
    COUNTS,
    FOLDED,
    PlanCheckpoint,
    RunCounts,
    SyncRun,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


class RunItems:
    """Part of ``DynamoSyncStore``: its client and table."""

    _client: DynamoDBClient
    _table: str

    def create_run(self, run: SyncRun) -> bool:
        """False if the run exists already (a planner invoked again for the same run)."""
        item: dict[str, AttributeValueTypeDef] = {
            "pk": {"S": run_pk(run.tenant_id, run.run_id)},
            "sk": {"S": RUN},
            "body": {"S": run.model_dump_json()},
        }
        item.update({name: {"N": "0"} for name in (*COUNTS, "chunks_planned", "chunks_requested", "chunks_processed")})
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if conditional_failed(error):
                return False
            raise
        return True

    def get_run(self, tenant_id: str, run_id: str) -> SyncRun | None:
        found = self._client.get_item(TableName=self._table, Key=run_key(tenant_id, run_id), ConsistentRead=True).get(
            "Item"
        )
        if found is None:
            return None
        run = SyncRun.model_validate_json(found["body"]["S"])
        counts = RunCounts(
            **{name: int(found.get(name, {"N": "0"})["N"]) for name in COUNTS},  # runs older than a count
            folded={k.removeprefix(FOLDED): int(v["N"]) for k, v in found.items() if k.startswith(FOLDED)},
        )
        return run.model_copy(
            update={
                "counts": counts,
                "chunks_planned": int(found["chunks_planned"]["N"]),
                "chunks_requested": int(found["chunks_requested"]["N"]),
                "chunks_processed": int(found["chunks_processed"]["N"]),
                "planning_done": bool(found.get("plan_done", {}).get("BOOL", False)),
            }
        )

    def plan_checkpoint(self, tenant_id: str, run_id: str) -> PlanCheckpoint | None:
        found = self._client.get_item(
            TableName=self._table,
            Key=run_key(tenant_id, run_id),
            ProjectionExpression="#p, #s",
            ExpressionAttributeNames={"#p": "plan", "#s": "plan_sent"},
            ConsistentRead=True,
        ).get("Item")
        if not found or "plan" not in found:
            return None
        plan = PlanCheckpoint.model_validate_json(found["plan"]["S"])
        return plan.model_copy(update={"sent": max(plan.sent, int(found.get("plan_sent", {}).get("N", "0")))})

    def plan_step(self, tenant_id: str, run_id: str, before: int, plan: PlanCheckpoint, records: int) -> bool:
        """Checkpoint the planner and add a planned chunk's counts, in one update conditional on
        the step it started from: False if another planner moved the run on meanwhile."""
        names = {"#p": "plan", "#step": "plan_step", "#done": "plan_done"}
        values: dict[str, AttributeValueTypeDef] = {
            ":plan": {"S": plan.model_dump_json()},
            ":step": {"N": str(plan.step)},
            ":done": {"BOOL": plan.done},
        }
        expression = "SET #p = :plan, #step = :step, #done = :done"
        if records:
            adds = add_update({"planned": records, "chunks_planned": 1})
            names.update(adds["ExpressionAttributeNames"])
            values.update(adds["ExpressionAttributeValues"])
            expression += " " + adds["UpdateExpression"]
        condition = "attribute_not_exists(#step)"
        if before:
            condition = "#step = :before"
            values[":before"] = {"N": str(before)}
        try:
            self._client.update_item(
                TableName=self._table,
                Key=run_key(tenant_id, run_id),
                UpdateExpression=expression,
                ConditionExpression=f"attribute_exists(pk) AND {condition}",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if conditional_failed(error):
                return False
            raise
        return True

    def plan_sent(self, tenant_id: str, run_id: str, chunk_no: int) -> None:
        """The planned chunk's message is on the queue (a resumed planner does not send it again)."""
        self._client.update_item(
            TableName=self._table,
            Key=run_key(tenant_id, run_id),
            UpdateExpression="SET #s = :n",
            ExpressionAttributeNames={"#s": "plan_sent"},
            ExpressionAttributeValues={":n": {"N": str(chunk_no)}},
        )

    def add_to_run(self, tenant_id: str, run_id: str, **amounts: int) -> None:
        self._client.update_item(TableName=self._table, Key=run_key(tenant_id, run_id), **add_update(amounts))
