"""The sync table: runs and their counts, chunk checkpoints, effect markers, findings, resident
codes and look-up rate counters (keys in ``schema.SYNC_TABLE``).

Exactly-once in effect: a chunk's counts are added to its run in the same transaction that moves
the chunk to PROCESSED (conditionally), so a redelivered chunk adds nothing; findings and effect
markers are put with ``attribute_not_exists`` on keys made of run and registrant.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from botocore.exceptions import ClientError

from ahaki.kernel.errors import InvalidInput, NotFound
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.values import Qualification
from ahaki.residents.adapters.notation_items import NotationItems
from ahaki.residents.adapters.sync_quarantine import QuarantineItems, encode_cursor
from ahaki.residents.domain.sync_records import (
    COUNTS,
    FOLDED,
    Finding,
    FindingStatus,
    PlanCheckpoint,
    RunCounts,
    SyncRun,
)
from ahaki.residents.services.ports import ChunkState

RUN, FINDING = "RUN", "FINDING"
REQUESTED, PROCESSED = "requested", "processed"


def run_pk(tenant_id: str, run_id: str) -> str:
    return f"T#{tenant_id}#RUN#{run_id}"


def chunk_sk(chunk_no: int) -> str:
    return f"CHUNK#{chunk_no:06d}"


def resident_codes_pk(tenant_id: str, qualification: Qualification) -> str:
    return f"T#{tenant_id}#RC#{qualification.value}"


def finding_pk(tenant_id: str, finding_id: str) -> str:
    return f"T#{tenant_id}#FINDING#{finding_id}"


def status_key(tenant_id: str, status: FindingStatus) -> str:
    return f"T#{tenant_id}#FS#{status.value}"


def _conditional_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in {"ConditionalCheckFailedException", "TransactionCanceledException"}


class DynamoSyncStore(QuarantineItems, NotationItems):
    def __init__(self, client: Any, table: str, outbox_table: str) -> None:
        self._client = client
        self._table = table
        self._outbox = outbox_table

    # -- runs and chunks -----------------------------------------------------------------------

    def create_run(self, run: SyncRun) -> bool:
        """False if the run exists already (a planner invoked again for the same run)."""
        item = {"pk": {"S": run_pk(run.tenant_id, run.run_id)}, "sk": {"S": RUN}, "body": {"S": run.model_dump_json()}}
        item.update({name: {"N": "0"} for name in (*COUNTS, "chunks_planned", "chunks_requested", "chunks_processed")})
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def get_run(self, tenant_id: str, run_id: str) -> SyncRun | None:
        found = self._client.get_item(
            TableName=self._table, Key=self._run_key(tenant_id, run_id), ConsistentRead=True
        ).get("Item")
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

    # -- the planner's checkpoint --------------------------------------------------------------

    def plan_checkpoint(self, tenant_id: str, run_id: str) -> PlanCheckpoint | None:
        found = self._client.get_item(
            TableName=self._table,
            Key=self._run_key(tenant_id, run_id),
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
        values: dict[str, Any] = {
            ":plan": {"S": plan.model_dump_json()},
            ":step": {"N": str(plan.step)},
            ":done": {"BOOL": plan.done},
        }
        expression = "SET #p = :plan, #step = :step, #done = :done"
        if records:
            adds = _adds({"planned": records, "chunks_planned": 1})
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
                Key=self._run_key(tenant_id, run_id),
                UpdateExpression=expression,
                ConditionExpression=f"attribute_exists(pk) AND {condition}",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def plan_sent(self, tenant_id: str, run_id: str, chunk_no: int) -> None:
        """The planned chunk's message is on the queue (a resumed planner does not send it again)."""
        self._client.update_item(
            TableName=self._table,
            Key=self._run_key(tenant_id, run_id),
            UpdateExpression="SET #s = :n",
            ExpressionAttributeNames={"#s": "plan_sent"},
            ExpressionAttributeValues={":n": {"N": str(chunk_no)}},
        )

    # -- chunks in the dead-letter queue -------------------------------------------------------

    def chunk_failing(self, tenant_id: str, run_id: str, chunk_no: int, stage: str) -> bool:
        """The chunk's message is on its last receive: counted failed now, so a worker that dies
        on it leaves it counted while it sits in the DLQ. False if it was counted already."""
        return self._fail_marker(tenant_id, run_id, chunk_no, stage, +1)

    def chunk_recovered(self, tenant_id: str, run_id: str, chunk_no: int, stage: str) -> bool:
        """The chunk's message succeeded (e.g. after a redrive): no longer failed. False if it
        was not counted failed."""
        return self._fail_marker(tenant_id, run_id, chunk_no, stage, -1)

    def add_to_run(self, tenant_id: str, run_id: str, **amounts: int) -> None:
        self._client.update_item(TableName=self._table, Key=self._run_key(tenant_id, run_id), **_adds(amounts))

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
        chunk = {
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
        run = {
            "Update": {
                "TableName": self._table,
                "Key": self._run_key(tenant_id, run_id),
                **_adds(
                    {"requested": requested, "chunks_requested": 1, **({"unanswered": unasked} if unasked else {})}
                ),
            }
        }
        return self._transact([chunk, run])

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
            if _conditional_failed(error):
                return False
            raise
        return True

    def chunk_processed(
        self, tenant_id: str, run_id: str, chunk_no: int, counts: dict[str, int], problem: str | None, digest: str
    ) -> bool:
        """Checkpoint: the result file is done; its counts join the run's exactly once. The file's
        SHA-256 stays with the chunk, so a different file at the same key is told apart."""
        names = {"#s": "state", "#p": "problem", "#d": "digest"}
        chunk = {
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
        run = {"Update": {"TableName": self._table, "Key": self._run_key(tenant_id, run_id), **_adds(adds)}}
        return self._transact([chunk, run])

    # -- per-record effects --------------------------------------------------------------------

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

    # -- findings ------------------------------------------------------------------------------

    def open_finding(self, finding: Finding, event: OutboxEvent, expires_at: int) -> bool:
        """The finding and its outbox event in one transaction; False if it was already open."""
        put = {
            "Put": {
                "TableName": self._table,
                "Item": self._finding_item(finding),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        emit = {
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
        return self._transact([put, emit])

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
            if _conditional_failed(error):
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
            kwargs["ExclusiveStartKey"] = _decode_cursor(cursor, status_key(tenant_id, status))
        found = self._client.query(**kwargs)
        items = [Finding.model_validate_json(i["body"]["S"]) for i in found["Items"]]
        last = found.get("LastEvaluatedKey")
        return items, encode_cursor(last) if last else None

    # -- resident codes and rate limits ---------------------------------------------------------

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
            if _conditional_failed(error):
                return False
            raise
        return True

    # -- helpers -------------------------------------------------------------------------------

    def _fail_marker(self, tenant_id: str, run_id: str, chunk_no: int, stage: str, change: int) -> bool:
        key = {"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": f"{chunk_sk(chunk_no)}#FAIL#{stage}"}}
        marker = (
            {"Put": {"TableName": self._table, "Item": key, "ConditionExpression": "attribute_not_exists(pk)"}}
            if change > 0
            else {"Delete": {"TableName": self._table, "Key": key, "ConditionExpression": "attribute_exists(pk)"}}
        )
        run = {
            "Update": {"TableName": self._table, "Key": self._run_key(tenant_id, run_id), **_adds({"failed": change})}
        }
        return self._transact([marker, run])

    def _run_partition(self, tenant_id: str, run_id: str) -> str:
        return run_pk(tenant_id, run_id)

    def _run_key(self, tenant_id: str, run_id: str) -> dict[str, Any]:
        return {"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": RUN}}

    def _finding_item(self, finding: Finding) -> dict[str, Any]:
        return {
            "pk": {"S": finding_pk(finding.tenant_id, finding.finding_id)},
            "sk": {"S": FINDING},
            "status": {"S": finding.status.value},
            "gsi_fs": {"S": status_key(finding.tenant_id, finding.status)},
            "gsi_fs_sk": {"S": f"{finding.opened_at.isoformat()}#{finding.finding_id}"},
            "body": {"S": finding.model_dump_json()},
        }

    def _transact(self, items: list[dict[str, Any]]) -> bool:
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                return False
            raise
        return True


def _adds(amounts: dict[str, int]) -> dict[str, Any]:
    names = {f"#a{i}": name for i, name in enumerate(amounts)}
    values = {f":a{i}": {"N": str(v)} for i, v in enumerate(amounts.values())}
    return {
        "UpdateExpression": "ADD " + ", ".join(f"#a{i} :a{i}" for i in range(len(amounts))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def _decode_cursor(cursor: str, partition: str) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error):
        raise InvalidInput("cursor", "is not a cursor this list returned") from None
    if not isinstance(key, dict) or key.get("gsi_fs") != {"S": partition}:
        raise InvalidInput("cursor", "is not a cursor this list returned")
    return key
