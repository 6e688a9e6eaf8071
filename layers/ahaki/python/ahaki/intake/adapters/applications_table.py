"""The applications table: one item per application, indexed by applicant and by work queue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ahaki.intake.domain.application import Application, ApplicationKind
from ahaki.intake.domain.retention import WAITING_ON_APPLICANT
from ahaki.intake.domain.status import ApplicationStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, PutTypeDef

APPLICATION = "APPLICATION"


def application_pk(tenant_id: str, application_id: str) -> str:
    return f"T#{tenant_id}#APP#{application_id}"


def applicant_key(tenant_id: str, portal_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#PP#{portal_pseudonym_id}"


def queue_key(tenant_id: str, status: ApplicationStatus, kind: ApplicationKind) -> str:
    return f"T#{tenant_id}#ST#{status.value}#K#{kind.value}"


def _order(application: Application) -> str:
    return f"{application.submitted_at.isoformat()}#{application.application_id}"


def application_item(application: Application) -> dict[str, AttributeValueTypeDef]:
    a = application
    item: dict[str, AttributeValueTypeDef] = {
        "pk": {"S": application_pk(a.tenant_id, a.application_id)},
        "sk": {"S": APPLICATION},
        "version": {"N": str(a.version)},
        "body": {"S": a.model_dump_json()},
        "gsi_applicant": {"S": applicant_key(a.tenant_id, a.portal_pseudonym_id)},
        "gsi_applicant_sk": {"S": _order(a)},
        "gsi_queue": {"S": queue_key(a.tenant_id, a.status, a.kind)},
        "gsi_queue_sk": {"S": _order(a)},
    }
    if a.expires_at is not None:
        item["expires_at"] = {"N": str(a.expires_at)}
    return item


def put_application(table: str, application: Application) -> PutTypeDef:
    """The conditional Put of a new version (the first one: the id must be free)."""
    if application.version == 1:
        return {
            "TableName": table,
            "Item": application_item(application),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    return {
        "TableName": table,
        "Item": application_item(application),
        "ConditionExpression": "version = :expected",
        "ExpressionAttributeValues": {":expected": {"N": str(application.version - 1)}},
    }


def _application(item: dict[str, Any]) -> Application:
    return Application.model_validate_json(item["body"]["S"])


class DynamoApplications:
    """Reads of the applications table (strongly consistent where a decision follows)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str, application_id: str) -> Application | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": application_pk(tenant_id, application_id)}, "sk": {"S": APPLICATION}},
            ConsistentRead=True,
        )
        return _application(found["Item"]) if "Item" in found else None

    def of_applicant(self, tenant_id: str, portal_pseudonym_id: str, limit: int) -> list[Application]:
        found = self._client.query(
            TableName=self._table,
            IndexName="by_applicant",
            KeyConditionExpression="gsi_applicant = :v",
            ExpressionAttributeValues={":v": {"S": applicant_key(tenant_id, portal_pseudonym_id)}},
            ScanIndexForward=False,  # newest first for the applicant
            Limit=limit,
        )
        return [_application(i) for i in found["Items"]]

    def queue(
        self, tenant_id: str, status: ApplicationStatus, kinds: list[ApplicationKind], limit: int
    ) -> list[Application]:
        """Oldest first across the given kinds (one index partition per status and kind)."""
        found: list[Application] = []
        for kind in kinds:
            page = self._client.query(
                TableName=self._table,
                IndexName="by_queue",
                KeyConditionExpression="gsi_queue = :v",
                ExpressionAttributeValues={":v": {"S": queue_key(tenant_id, status, kind)}},
                Limit=limit,
            )
            found += [_application(i) for i in page["Items"]]
        found.sort(key=lambda a: (a.submitted_at, a.application_id))
        return found[:limit]

    def expired(self, now: datetime) -> list[tuple[str, str]]:
        """(tenant, application id) of every decided application past its retention (what TTL deletes)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "expires_at <= :now",
            "ExpressionAttributeValues": {":now": {"N": str(int(now.timestamp()))}},
            "ProjectionExpression": "body",
        }
        keys: list[tuple[str, str]] = []
        while True:
            page = self._client.scan(**kwargs)
            for item in page["Items"]:
                application = _application(item)
                keys.append((application.tenant_id, application.application_id))
            if "LastEvaluatedKey" not in page:
                return keys
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def retention_candidates(self, now: datetime) -> list[Application]:
        """Every application the retention job must look at: waiting on the applicant, or decided
        and past its retention. A daily scan: applications are few next to registrants."""
        statuses = sorted(status.value for status in WAITING_ON_APPLICANT)
        names = {f":st{n}": {"S": f"#ST#{status}#"} for n, status in enumerate(statuses)}  # see queue_key
        contains = " OR ".join(f"contains(gsi_queue, {name})" for name in names)
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": f"sk = :app AND ({contains} OR expires_at <= :now)",
            "ExpressionAttributeValues": {
                ":app": {"S": APPLICATION},
                ":now": {"N": str(int(now.timestamp()))},
                **names,
            },
            "ProjectionExpression": "body",
        }
        found: list[Application] = []
        while True:
            page = self._client.scan(**kwargs)
            found += [_application(item) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete(self, tenant_id: str, application_id: str) -> None:
        self._client.delete_item(
            TableName=self._table,
            Key={"pk": {"S": application_pk(tenant_id, application_id)}, "sk": {"S": APPLICATION}},
        )
