"""The sync table's items of the notation equivalences: a tenant's rules turned off, and the
records of notation-only differences kept for staff (``noted``), which carry no outbox event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.residents.domain.notation.catalogue import NotationSettings
from ahaki.residents.domain.sync_records import Finding

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class NotationItems:
    """Mixed into ``DynamoSyncStore``: the same client, table and finding items."""

    _client: DynamoDBClient
    _table: str

    def _finding_item(self, finding: Finding) -> dict[str, Any]:
        raise NotImplementedError

    def note(self, finding: Finding) -> None:
        """A record for staff that is not a finding: no outbox event, so no notice. One per
        registrant, the latest run's (put again each month until staff align the register)."""
        self._client.put_item(TableName=self._table, Item=self._finding_item(finding))

    def notation_settings(self, tenant_id: str) -> NotationSettings:
        found = self._client.get_item(TableName=self._table, Key=_settings_key(tenant_id), ConsistentRead=True).get(
            "Item"
        )
        return NotationSettings.model_validate_json(found["body"]["S"]) if found else NotationSettings()

    def save_notation_settings(self, tenant_id: str, settings: NotationSettings) -> bool:
        """Put ``settings`` (version n) over version n - 1; False if another change came first."""
        condition = "attribute_not_exists(pk)" if settings.version == 1 else "#v = :before"
        values = {} if settings.version == 1 else {":before": {"N": str(settings.version - 1)}}
        # No placeholders on a first version: DynamoDB refuses empty attribute maps.
        placeholders: dict[str, Any] = (
            {"ExpressionAttributeNames": {"#v": "v"}, "ExpressionAttributeValues": values} if values else {}
        )
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **_settings_key(tenant_id),
                    "v": {"N": str(settings.version)},
                    "body": {"S": settings.model_dump_json()},
                },
                ConditionExpression=condition,
                **placeholders,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _settings_key(tenant_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"T#{tenant_id}#SETTINGS"}, "sk": {"S": "NOTATION"}}
