"""DynamoDB adapters of the notifier: delivery ledger, portal inbox, contact preferences, notices,
and the holder look-ups (by portal pseudonym, ids by status)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ahaki.kernel.adapters.cursor import decode_cursor, decode_sort_key, encode_cursor, encode_sort_key
from ahaki.kernel.adapters.transaction import DynamoTransaction
from ahaki.kernel.errors import InvalidInput
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.settings import Settings
from ahaki.notifications.domain.notification import Channel, ContactPreference, InboxItem, Notice
from ahaki.notifications.services.ports import Claim
from ahaki.registry.domain.registrant import Registrant, Status
from ahaki.registry.keys import SNAPSHOT, STATUS_INDEX_KEY_TYPES, portal_key, registrant_pk, status_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# A claim older than this is a worker that died mid-delivery: another may take it over.
CLAIM_LEASE_SECONDS = 120
# Ledger records outlive the outbox (7 days), the queues (14 days) and any redrive.
LEDGER_RETENTION_SECONDS = 30 * 24 * 3600
# The ledger's record of a broadcast event that could reach its holder through no channel.
UNREACHABLE = "unreachable"


def _conditional_failed(error: ClientError) -> bool:
    return bool(error.response["Error"]["Code"] == "ConditionalCheckFailedException")


class DynamoDeliveryLedger:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def claim(self, event_id: str, channel: Channel, now: datetime) -> Claim:
        epoch = int(now.timestamp())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": f"{event_id}#{channel.value}"},
                    "state": {"S": "claimed"},
                    "claimed_at": {"N": str(epoch)},
                    "expires_at": {"N": str(epoch + LEDGER_RETENTION_SECONDS)},
                },
                # New, released after a failure, or a claim whose worker died (lease over).
                ConditionExpression=(
                    "attribute_not_exists(pk) OR #s = :released OR (#s = :claimed AND claimed_at < :stale)"
                ),
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":released": {"S": "released"},
                    ":claimed": {"S": "claimed"},
                    ":stale": {"N": str(epoch - CLAIM_LEASE_SECONDS)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not _conditional_failed(error):
                raise
            old: dict[str, Any] = dict(error.response.get("Item") or {})  # type: ignore[call-overload]
            return Claim.DELIVERED if old.get("state", {}).get("S") == "delivered" else Claim.IN_PROGRESS
        return Claim.CLAIMED

    def delivered(self, event_id: str, channel: Channel, now: datetime, reference: str) -> None:
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": f"{event_id}#{channel.value}"}},
            UpdateExpression="SET #s = :delivered, delivered_at = :at, delivery_ref = :ref",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={
                ":delivered": {"S": "delivered"},
                ":at": {"N": str(int(now.timestamp()))},
                ":ref": {"S": reference},
            },
        )

    def release(self, event_id: str, channel: Channel) -> None:
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": f"{event_id}#{channel.value}"}},
            UpdateExpression="SET #s = :released",
            ConditionExpression="#s = :claimed",  # never undo a delivery
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":released": {"S": "released"}, ":claimed": {"S": "claimed"}},
        )

    def unreachable(self, event_id: str, kind: str, subject_id: str, reason: str, now: datetime) -> None:
        epoch = int(now.timestamp())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": f"{event_id}#{UNREACHABLE}"},
                    "state": {"S": UNREACHABLE},
                    "reason": {"S": reason},
                    "kind": {"S": kind},
                    "subject_id": {"S": subject_id},  # the holder's qualification_pseudonym_id: an id
                    "recorded_at": {"N": str(epoch)},
                    "expires_at": {"N": str(epoch + LEDGER_RETENTION_SECONDS)},
                },
                ConditionExpression="attribute_not_exists(pk)",  # a duplicate event records nothing more
            )
        except ClientError as error:
            if not _conditional_failed(error):
                raise


def inbox_pk(tenant_id: str, portal_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#PP#{portal_pseudonym_id}"


class DynamoInbox:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def deliver(self, item: InboxItem) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": inbox_pk(item.tenant_id, item.portal_pseudonym_id)},
                    "sk": {"S": item.notification_id},
                    "expires_at": {"N": str(item.expires_at)},
                    "body": {"S": item.model_dump_json()},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def list(
        self, tenant_id: str, portal_pseudonym_id: str, now: datetime, limit: int, cursor: str | None
    ) -> tuple[list[InboxItem], str | None]:
        pk = inbox_pk(tenant_id, portal_pseudonym_id)
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            # TTL deletes up to days late: an expired item is never shown.
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":now": {"N": str(int(now.timestamp()))}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = {"pk": {"S": pk}, "sk": {"S": decode_sort_key(cursor)}}
        found = self._client.query(**kwargs)
        items = [InboxItem.model_validate_json(i["body"]["S"]) for i in found["Items"]]
        last = found.get("LastEvaluatedKey")
        return items, encode_sort_key(last["sk"]["S"]) if last else None

    def mark_read(
        self, tenant_id: str, portal_pseudonym_id: str, notification_id: str, now: datetime
    ) -> InboxItem | None:
        key = {"pk": {"S": inbox_pk(tenant_id, portal_pseudonym_id)}, "sk": {"S": notification_id}}
        found = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)
        if "Item" not in found:
            return None
        item = InboxItem.model_validate_json(found["Item"]["body"]["S"])
        if item.read_at is not None:
            return item
        read = item.model_copy(update={"read_at": now})
        self._client.update_item(
            TableName=self._table,
            Key=key,
            UpdateExpression="SET body = :body",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":body": {"S": read.model_dump_json()}},
        )
        return read


def contact_pk(tenant_id: str, qualification_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#Q#{qualification_pseudonym_id}"


def contact_item(preference: ContactPreference) -> dict[str, Any]:
    pk = contact_pk(preference.tenant_id, preference.qualification_pseudonym_id)
    return {"pk": {"S": pk}, "body": {"S": preference.model_dump_json()}}


class DynamoContacts:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str, qualification_pseudonym_id: str) -> ContactPreference | None:
        found = self._client.get_item(
            TableName=self._table, Key={"pk": {"S": contact_pk(tenant_id, qualification_pseudonym_id)}}
        )
        return ContactPreference.model_validate_json(found["Item"]["body"]["S"]) if "Item" in found else None

    def put(self, preference: ContactPreference) -> None:
        self._client.put_item(TableName=self._table, Item=contact_item(preference))


def notice_pk(tenant_id: str, notice_id: str) -> str:
    return f"T#{tenant_id}#N#{notice_id}"


class DynamoNotices:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str, notice_id: str) -> Notice | None:
        found = self._client.get_item(TableName=self._table, Key={"pk": {"S": notice_pk(tenant_id, notice_id)}})
        return Notice.model_validate_json(found["Item"]["body"]["S"]) if "Item" in found else None


class NoticeUnitOfWork(DynamoTransaction):
    """A staff notice: the notice item, its audit record and its event in one transaction."""

    def __init__(self, client: DynamoDBClient, settings: Settings, notice_table: str) -> None:
        super().__init__(client, settings.audit_table, settings.outbox_table)
        self._notice_table = notice_table

    def save_notice(self, notice: Notice) -> None:
        item = {"pk": {"S": notice_pk(notice.tenant_id, notice.notice_id)}, "body": {"S": notice.model_dump_json()}}
        self.add(
            {"Put": {"TableName": self._notice_table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
            lambda _: InvalidInput("notice_id", "notice id taken"),
        )


class DynamoHolderDirectory:
    """Holder look-ups on the register table's GSIs."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> Registrant | None:
        found = self._client.query(
            TableName=self._table,
            IndexName="by_portal_pseudonym",
            KeyConditionExpression="gsi_portal = :v",
            ExpressionAttributeValues={":v": {"S": portal_key(tenant_id, portal_pseudonym_id)}},
            Limit=1,
        )
        return Registrant.model_validate_json(found["Items"][0]["body"]["S"]) if found["Items"] else None

    def id_by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> str | None:
        found = self._client.query(
            TableName=self._table,
            IndexName="by_portal_pseudonym",
            KeyConditionExpression="gsi_portal = :v",
            ExpressionAttributeValues={":v": {"S": portal_key(tenant_id, portal_pseudonym_id)}},
            ProjectionExpression="pk",  # the id only: no personal data leaves the table
            Limit=1,
        )
        return str(found["Items"][0]["pk"]["S"]).rsplit("#Q#", 1)[1] if found["Items"] else None

    def holder_ids(
        self, tenant_id: str, qualification: Qualification, status: Status, limit: int, cursor: str | None
    ) -> tuple[list[str], str | None]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "by_status",
            "KeyConditionExpression": "gsi_status = :v",
            "ExpressionAttributeValues": {":v": {"S": status_key(tenant_id, qualification, status)}},
            # Keys only: a broadcast reads no personal data (the notifier reads each name, audited).
            "ProjectionExpression": "pk, sk, gsi_status, gsi_status_sk",
            "Limit": limit,
        }
        if cursor:
            partition = {"gsi_status": status_key(tenant_id, qualification, status)}
            kwargs["ExclusiveStartKey"] = decode_cursor(cursor, STATUS_INDEX_KEY_TYPES, partition)
        found = self._client.query(**kwargs)
        ids = [item["pk"]["S"].rsplit("#Q#", 1)[1] for item in found["Items"]]
        last = found.get("LastEvaluatedKey")
        return ids, encode_cursor(last) if last else None

    def exists(self, tenant_id: str, qualification_pseudonym_id: str) -> bool:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": registrant_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": SNAPSHOT}},
            ProjectionExpression="pk",
        )
        return "Item" in found
