"""One DynamoDB transaction across the register, the vault and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ahaki.adapters import register_table as rt
from ahaki.adapters import vault as v
from ahaki.adapters.applications_table import APPLICATION, application_pk, put_application
from ahaki.adapters.audit_trail import put_audit_item
from ahaki.adapters.sequence import sequence_key, turn_condition
from ahaki.adapters.settings import Settings
from ahaki.domain.application import Application
from ahaki.domain.audit import AuditRecord
from ahaki.domain.errors import DuplicateMyNumber, InvalidState, PortalPseudonymInUse, VersionConflict
from ahaki.domain.history import HistoryEvent
from ahaki.domain.outbox import OutboxEvent
from ahaki.domain.registrant import Registrant
from ahaki.domain.values import Qualification
from ahaki.services.ports import ChainContention, SealedMyNumber, SequenceContention

Failure = Callable[[dict[str, Any]], Exception]
# Relayed within seconds; kept a week so a stalled relay can be redriven from the table itself.
OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600


def _version_conflict(reason: dict[str, Any]) -> Exception:
    current = reason.get("Item", {}).get("version", {}).get("N")
    return VersionConflict(int(current) if current else 0)


class DynamoUnitOfWork:
    def __init__(self, client: Any, settings: Settings) -> None:
        self._client = client
        self._register = settings.register_table
        self._vault = settings.vault_table
        self._audit = settings.audit_table
        self._outbox = settings.outbox_table
        self._applications = settings.applications_table
        # Each item, with the error its failed condition means.
        self._items: list[tuple[dict[str, Any], Failure]] = []
        self._token: str | None = None

    def create(self, registrant: Registrant, event: HistoryEvent, ticket: int) -> None:
        r = registrant
        # The number is taken in the same transaction as the record, in this ticket's turn only:
        # no gaps, no duplicates (adapters/sequence.py).
        turn, values = turn_condition(ticket - 1)
        last, last_values = (
            ("attribute_not_exists(#last)", {})
            if r.registration_number == 1
            else (
                "#last = :last",
                {":last": {"N": str(r.registration_number - 1)}},
            )
        )
        self._add(
            {
                "Update": {
                    "TableName": self._register,
                    "Key": sequence_key(r.tenant_id, r.qualification),
                    "UpdateExpression": "SET #last = :next, turn = :ticket",
                    "ConditionExpression": f"{turn} AND {last}",
                    "ExpressionAttributeNames": {"#last": "last"},
                    "ExpressionAttributeValues": {
                        **values,
                        **last_values,
                        ":next": {"N": str(r.registration_number)},
                        ":ticket": {"N": str(ticket)},
                    },
                }
            },
            lambda _: SequenceContention(),
        )
        self._add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": rt.snapshot_item(r),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda _: SequenceContention(),
        )
        self._put_event(event)
        self._token = event.event_id

    def update(self, registrant: Registrant, event: HistoryEvent) -> None:
        self._add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": rt.snapshot_item(registrant),
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": {":expected": {"N": str(registrant.version - 1)}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            _version_conflict,
        )
        self._put_event(event)
        self._token = event.event_id

    def claim_my_number(self, sealed: SealedMyNumber) -> None:
        claim = v.claim_pk(sealed.tenant_id, sealed.qualification, sealed.blind_index)
        self._add(
            {
                "Put": {
                    "TableName": self._vault,
                    "Item": {
                        "pk": {"S": claim},
                        "sk": {"S": v.CLAIM},
                        "owner": {"S": sealed.qualification_pseudonym_id},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda _: DuplicateMyNumber("another live registrant already holds this My Number"),
        )
        self._add(
            {
                "Put": {
                    "TableName": self._vault,
                    "Item": {
                        "pk": {"S": v.vault_pk(sealed.tenant_id, sealed.qualification_pseudonym_id)},
                        "sk": {"S": v.MY_NUMBER},
                        "ciphertext": {"B": sealed.ciphertext},
                        "blind_index": {"S": sealed.blind_index},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda _: DuplicateMyNumber("the vault already holds a My Number for this registrant"),
        )

    def release_my_number(self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str) -> None:
        found = self._client.get_item(
            TableName=self._vault,
            Key={"pk": {"S": v.vault_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": v.MY_NUMBER}},
            ProjectionExpression="blind_index",
            ConsistentRead=True,
        )
        if "Item" not in found:
            return
        claim = v.claim_pk(tenant_id, qualification, found["Item"]["blind_index"]["S"])
        self._add(
            {
                "Delete": {
                    "TableName": self._vault,
                    "Key": {"pk": {"S": claim}, "sk": {"S": v.CLAIM}},
                    # Only this registrant's own claim: never someone else's.
                    "ConditionExpression": "attribute_not_exists(pk) OR #o = :me",
                    "ExpressionAttributeNames": {"#o": "owner"},
                    "ExpressionAttributeValues": {":me": {"S": qualification_pseudonym_id}},
                }
            },
            lambda _: DuplicateMyNumber("the My Number claim belongs to another registrant"),
        )

    def claim_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str, qualification_pseudonym_id: str) -> None:
        """One registrant per portal pseudonym: free, released, or already this registrant's."""
        self._add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": {
                        "pk": {"S": rt.portal_claim_pk(tenant_id, portal_pseudonym_id)},
                        "sk": {"S": rt.CLAIM},
                        "owner": {"S": qualification_pseudonym_id},
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR #o = :me OR #r = :true",
                    "ExpressionAttributeNames": {"#o": "owner", "#r": "released"},
                    "ExpressionAttributeValues": {":me": {"S": qualification_pseudonym_id}, ":true": {"BOOL": True}},
                }
            },
            lambda _: PortalPseudonymInUse(),
        )

    def release_portal_pseudonym(
        self, tenant_id: str, portal_pseudonym_id: str, qualification_pseudonym_id: str
    ) -> None:
        """Marks this registrant's claim released (a Put: the functions need no DeleteItem on the
        register table); a link made before claims existed has none to release."""
        self._add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": {
                        "pk": {"S": rt.portal_claim_pk(tenant_id, portal_pseudonym_id)},
                        "sk": {"S": rt.CLAIM},
                        "owner": {"S": qualification_pseudonym_id},
                        "released": {"BOOL": True},
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR #o = :me",
                    "ExpressionAttributeNames": {"#o": "owner"},
                    "ExpressionAttributeValues": {":me": {"S": qualification_pseudonym_id}},
                }
            },
            lambda _: PortalPseudonymInUse(),
        )

    def audit(self, record: AuditRecord) -> None:
        self._add({"Put": put_audit_item(self._audit, record)}, lambda _: ChainContention(record.chain))

    def emit(self, event: OutboxEvent) -> None:
        expires = int(event.occurred_at.timestamp()) + OUTBOX_RETENTION_SECONDS
        item = {
            "pk": {"S": f"EV#{event.event_id}"},
            "kind": {"S": event.kind},
            "tenant_id": {"S": event.tenant_id},
            "expires_at": {"N": str(expires)},
            "body": {"S": event.model_dump_json()},
        }
        self._add(
            {"Put": {"TableName": self._outbox, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
            lambda _: ChainContention("event id taken"),
        )

    # -- online applications: the same transaction as the register change -----------------------

    def put_application(self, application: Application) -> None:
        self._add(
            {"Put": put_application(self._applications, application)},
            lambda _: InvalidState("the application was changed by someone else; reload it and decide again"),
        )

    def hold_pending_my_number(self, sealed: SealedMyNumber) -> None:
        """A new registration's My Number waits in the vault, bound to the id it will get."""
        self._add(
            {
                "Put": {
                    "TableName": self._vault,
                    "Item": {
                        "pk": {"S": v.vault_pk(sealed.tenant_id, sealed.qualification_pseudonym_id)},
                        "sk": {"S": v.PENDING},
                        "ciphertext": {"B": sealed.ciphertext},
                        "blind_index": {"S": sealed.blind_index},
                        "qualification": {"S": sealed.qualification.value},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda _: ChainContention("pending id taken"),
        )

    def drop_pending_my_number(
        self, tenant_id: str, qualification_pseudonym_id: str, *, must_exist: bool = True
    ) -> None:
        """On rejection, once the number became the registrant's (approval), and on retention
        (``must_exist=False``: an application that never held one, or lost it, deletes nothing)."""
        delete: dict[str, Any] = {
            "TableName": self._vault,
            "Key": {"pk": {"S": v.vault_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": v.PENDING}},
        }
        if must_exist:
            delete["ConditionExpression"] = "attribute_exists(pk)"
        self._add(
            {"Delete": delete},
            lambda _: InvalidState("the vault holds no pending My Number for this application"),
        )

    def delete_application(self, application: Application) -> None:
        self._add(
            {
                "Delete": {
                    "TableName": self._applications,
                    "Key": {
                        "pk": {"S": application_pk(application.tenant_id, application.application_id)},
                        "sk": {"S": APPLICATION},
                    },
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": {":expected": {"N": str(application.version)}},
                }
            },
            lambda _: InvalidState("the application changed since it was read; it is looked at again next run"),
        )

    def commit(self) -> None:
        kwargs: dict[str, Any] = {"TransactItems": [item for item, _ in self._items]}
        if self._token:
            kwargs["ClientRequestToken"] = self._token  # an SDK retry of this commit applies once
        try:
            self._client.transact_write_items(**kwargs)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            for (_, failure), reason in zip(self._items, reasons, strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    raise failure(dict(reason)) from None
            raise ChainContention("transaction conflict") from None  # TransactionConflict: retry

    def _add(self, item: dict[str, Any], failure: Failure) -> None:
        self._items.append((item, failure))

    def _put_event(self, event: HistoryEvent) -> None:
        self._add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": rt.event_item(event),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda _: _version_conflict({}),
        )
