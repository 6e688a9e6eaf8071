"""The sync table's keys, and the write helpers its item families (runs, chunks, findings) share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.kernel.values import Qualification
from ahaki.residents.domain.sync_records import FindingStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

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


def run_key(tenant_id: str, run_id: str) -> dict[str, Any]:
    return {"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": RUN}}


def conditional_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in {"ConditionalCheckFailedException", "TransactionCanceledException"}


def add_update(amounts: dict[str, int]) -> dict[str, Any]:
    names = {f"#a{i}": name for i, name in enumerate(amounts)}
    values = {f":a{i}": {"N": str(v)} for i, v in enumerate(amounts.values())}
    return {
        "UpdateExpression": "ADD " + ", ".join(f"#a{i} :a{i}" for i in range(len(amounts))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def transact(client: DynamoDBClient, items: list[dict[str, Any]]) -> bool:
    """One transaction; False if one of its conditions failed (a redelivery got there first)."""
    try:
        # The items are the wire's plain dicts, as the kernel's transaction builder passes them.
        request: dict[str, Any] = {"TransactItems": items}
        client.transact_write_items(**request)
    except ClientError as error:
        reasons = error.response.get("CancellationReasons") or []
        if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
            return False
        raise
    return True
