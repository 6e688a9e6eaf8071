"""The sync table's keys, and the write helpers its item families (runs, chunks, findings) share."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from botocore.exceptions import ClientError

from ahaki.kernel.qualification import Qualification
from ahaki.residents.domain.sync_records import FindingStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

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


def run_key(tenant_id: str, run_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": run_pk(tenant_id, run_id)}, "sk": {"S": RUN}}


def conditional_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in {"ConditionalCheckFailedException", "TransactionCanceledException"}


class AddUpdate(TypedDict):
    """The part of an update that adds amounts to counters (spread into an Update or UpdateItem)."""

    UpdateExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValueTypeDef]


def add_update(amounts: dict[str, int]) -> AddUpdate:
    names = {f"#a{i}": name for i, name in enumerate(amounts)}
    values: dict[str, AttributeValueTypeDef] = {f":a{i}": {"N": str(v)} for i, v in enumerate(amounts.values())}
    return {
        "UpdateExpression": "ADD " + ", ".join(f"#a{i} :a{i}" for i in range(len(amounts))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def add_to_counters(
    table: str, key: dict[str, AttributeValueTypeDef], amounts: dict[str, int]
) -> TransactWriteItemTypeDef:
    """A transaction's Update adding the amounts to the item's counters."""
    adds = add_update(amounts)
    return {
        "Update": {
            "TableName": table,
            "Key": key,
            "UpdateExpression": adds["UpdateExpression"],
            "ExpressionAttributeNames": adds["ExpressionAttributeNames"],
            "ExpressionAttributeValues": adds["ExpressionAttributeValues"],
        }
    }


def transact(client: DynamoDBClient, items: list[TransactWriteItemTypeDef]) -> bool:
    """One transaction; False if one of its conditions failed (a redelivery got there first)."""
    try:
        client.transact_write_items(TransactItems=items)
    except ClientError as error:
        reasons = error.response.get("CancellationReasons") or []
        if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
            return False
        raise
    return True
