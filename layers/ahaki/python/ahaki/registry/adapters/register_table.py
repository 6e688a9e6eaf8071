"""The register table: snapshots, history events and the registration-number sequences."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ahaki.kernel.adapters.cursor import decode_cursor, encode_cursor
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import NameKana
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.registrant import Registrant, Status
from ahaki.registry.keys import (
    CLAIM,
    EVENT_PREFIX,
    SNAPSHOT,
    STATUS_INDEX_KEY_TYPES,
    event_sk,
    kana_key,
    portal_claim_pk,
    portal_key,
    registrant_pk,
    rn_key,
    status_key,
)
from ahaki.registry.services.ports import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryOutputTypeDef


def snapshot_item(registrant: Registrant) -> dict[str, AttributeValueTypeDef]:
    r = registrant
    item: dict[str, AttributeValueTypeDef] = {
        "pk": {"S": registrant_pk(r.tenant_id, r.qualification_pseudonym_id)},
        "sk": {"S": SNAPSHOT},
        "version": {"N": str(r.version)},
        "body": {"S": r.model_dump_json()},
        "gsi_rn": {"S": rn_key(r.tenant_id, r.qualification, r.registration_number)},
        "gsi_kana": {"S": kana_key(r.tenant_id, r.qualification, r.name_kana, r.birth_date)},
        "gsi_kana_sk": {"S": r.qualification_pseudonym_id},
        "gsi_status": {"S": status_key(r.tenant_id, r.qualification, r.status)},
        "gsi_status_sk": {"N": str(r.registration_number)},
    }
    if r.portal_pseudonym_id:
        item["gsi_portal"] = {"S": portal_key(r.tenant_id, r.portal_pseudonym_id)}
    return item


def event_item(event: HistoryEvent) -> dict[str, AttributeValueTypeDef]:
    return {
        "pk": {"S": registrant_pk(event.tenant_id, event.qualification_pseudonym_id)},
        "sk": {"S": event_sk(event.version)},
        "body": {"S": event.model_dump_json()},
    }


def _registrant(item: dict[str, Any]) -> Registrant:
    return Registrant.model_validate_json(item["body"]["S"])


class DynamoRegisterReader:
    """Reads of the register (the RegisterReader port). Strongly consistent where it matters."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str, qualification_pseudonym_id: str) -> Registrant | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": registrant_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": SNAPSHOT}},
            ConsistentRead=True,
        )
        return _registrant(found["Item"]) if "Item" in found else None

    def portal_pseudonym_holder(self, tenant_id: str, portal_pseudonym_id: str) -> str | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": portal_claim_pk(tenant_id, portal_pseudonym_id)}, "sk": {"S": CLAIM}},
            ConsistentRead=True,
        )
        item = found.get("Item")
        if item is None or item.get("released", {}).get("BOOL"):
            return None
        return str(item["owner"]["S"])

    def history(self, tenant_id: str, qualification_pseudonym_id: str) -> list[HistoryEvent]:
        events: list[HistoryEvent] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": registrant_pk(tenant_id, qualification_pseudonym_id)},
                ":prefix": {"S": EVENT_PREFIX},
            },
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**kwargs)
            events += [HistoryEvent.model_validate_json(i["body"]["S"]) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return events
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def by_registration_number(
        self, tenant_id: str, qualification: Qualification, registration_number: int
    ) -> Registrant | None:
        found = self._query_index(
            "by_registration_number", "gsi_rn", rn_key(tenant_id, qualification, registration_number), 1
        )
        return _registrant(found["Items"][0]) if found["Items"] else None

    def by_kana_birth(
        self, tenant_id: str, qualification: Qualification, name_kana: NameKana, birth_date: date, limit: int
    ) -> list[Registrant]:
        found = self._query_index(
            "by_kana_birth", "gsi_kana", kana_key(tenant_id, qualification, name_kana, birth_date), limit
        )
        return [_registrant(i) for i in found["Items"]]

    def by_status(
        self, tenant_id: str, qualification: Qualification, status: Status, limit: int, cursor: str | None
    ) -> Page:
        partition = status_key(tenant_id, qualification, status)
        start = decode_cursor(cursor, STATUS_INDEX_KEY_TYPES, {"gsi_status": partition}) if cursor else None
        found = self._query_index("by_status", "gsi_status", partition, limit, start)
        next_key = found.get("LastEvaluatedKey")
        return Page([_registrant(i) for i in found["Items"]], encode_cursor(next_key) if next_key else None)

    def by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> Registrant | None:
        """The registrant the portal knows by this pseudonym (how intake finds an applicant)."""
        found = self._query_index("by_portal_pseudonym", "gsi_portal", portal_key(tenant_id, portal_pseudonym_id), 1)
        return _registrant(found["Items"][0]) if found["Items"] else None

    def _query_index(
        self, index: str, key: str, value: str, limit: int, start: dict[str, Any] | None = None
    ) -> QueryOutputTypeDef:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{key} = :v",
            "ExpressionAttributeValues": {":v": {"S": value}},
            "Limit": limit,
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        return self._client.query(**kwargs)
