"""The registration-number sequence of one tenant's register of one qualification.

A ticket lock: ``tickets`` counts tickets taken (atomic ADD, never contended), ``turn`` is the
last ticket served, ``last`` the last registration number assigned. The algorithm over these
(wait for the turn, write in it, pass it on) is registry/services/numbering.py; the unit of work
assigns ``last + 1`` and serves the ticket in the registrant's own transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ahaki.kernel.qualification import Qualification
from ahaki.registry.services.ports import SequenceState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

SEQUENCE = "SEQUENCE"


def sequence_key(tenant_id: str, qualification: Qualification) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"T#{tenant_id}#SEQ#{qualification.value}"}, "sk": {"S": SEQUENCE}}


def turn_condition(served: int) -> tuple[str, dict[str, AttributeValueTypeDef]]:
    """Condition that ``served`` is still the last ticket served (none yet when 0)."""
    if served == 0:
        return "attribute_not_exists(turn)", {}
    return "turn = :served", {":served": {"N": str(served)}}


class DynamoSequence:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def take_ticket(self, tenant_id: str, qualification: Qualification) -> int:
        taken = self._client.update_item(
            TableName=self._table,
            Key=sequence_key(tenant_id, qualification),
            UpdateExpression="ADD tickets :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(taken["Attributes"]["tickets"]["N"])

    def state(self, tenant_id: str, qualification: Qualification) -> SequenceState:
        found = self._client.get_item(
            TableName=self._table, Key=sequence_key(tenant_id, qualification), ConsistentRead=True
        ).get("Item", {})
        return SequenceState(
            last=int(found.get("last", {}).get("N", "0")),
            turn=int(found.get("turn", {}).get("N", "0")),
            abandoned=frozenset(int(n) for n in found.get("abandoned", {}).get("NS", [])),
        )

    def abandon(self, tenant_id: str, qualification: Qualification, ticket: int) -> None:
        """Gives a ticket up before its turn, so the queue skips it without waiting for a lease."""
        self._client.update_item(
            TableName=self._table,
            Key=sequence_key(tenant_id, qualification),
            UpdateExpression="ADD abandoned :ticket",
            ExpressionAttributeValues={":ticket": {"NS": [str(ticket)]}},
        )

    def pass_turn(self, tenant_id: str, qualification: Qualification, served: int) -> None:
        """Moves the turn from ``served`` to the next ticket, without assigning a number.

        Used by a registration that failed in its turn, and to skip a ticket whose holder died.
        A no-op if the turn has already moved."""
        condition, values = turn_condition(served)
        try:
            self._client.update_item(
                TableName=self._table,
                Key=sequence_key(tenant_id, qualification),
                # The served ticket leaves the abandoned set too, so the set stays small.
                UpdateExpression="SET turn = :next DELETE abandoned :gone",
                ConditionExpression=condition,
                ExpressionAttributeValues={
                    **values,
                    ":next": {"N": str(served + 1)},
                    ":gone": {"NS": [str(served + 1)]},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
