"""A register operation's items in the kernel's transaction: the register and the vault's claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ahaki.kernel.adapters import vault as v
from ahaki.kernel.adapters.transaction import CancellationReason, DynamoTransaction, Failure
from ahaki.kernel.errors import DuplicateMyNumber, PortalPseudonymInUse, VersionConflict
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.settings import Settings
from ahaki.kernel.vault import SealedMyNumber
from ahaki.registry import keys
from ahaki.registry.adapters import register_table as rt
from ahaki.registry.adapters.sequence import sequence_key, turn_condition
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services.ports import SequenceContention, Turn

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def _version_conflict(reason: CancellationReason) -> Exception:
    current = reason.get("Item", {}).get("version", {}).get("N")
    return VersionConflict(int(current) if current else 0)


class DynamoUnitOfWork(DynamoTransaction):
    """A register operation's transaction: the register, the vault's claims, audit and outbox."""

    def __init__(self, client: DynamoDBClient, settings: Settings) -> None:
        super().__init__(client, settings.audit_table, settings.outbox_table)
        self._register = settings.register_table
        self._vault = settings.vault_table

    def create(self, registrant: Registrant, event: HistoryEvent, turn: Turn) -> None:
        r = registrant
        # The number is taken in the same transaction as the record, in this ticket's turn only:
        # no gaps, no duplicates (registry/adapters/sequence.py).
        ticket = turn.ticket
        in_turn, values = turn_condition(ticket - 1)
        last, last_values = (
            ("attribute_not_exists(#last)", {})
            if r.registration_number == 1
            else (
                "#last = :last",
                {":last": {"N": str(r.registration_number - 1)}},
            )
        )
        self.add(
            {
                "Update": {
                    "TableName": self._register,
                    "Key": sequence_key(r.tenant_id, r.qualification),
                    "UpdateExpression": "SET #last = :next, turn = :ticket",
                    "ConditionExpression": f"{in_turn} AND {last}",
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
        self.add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": rt.snapshot_item(r),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda _: SequenceContention(),
        )
        # A new id's first event: only a registration that took this turn first can hold it.
        self._put_event(event, lambda _: SequenceContention())
        self.idempotent_as(event.event_id)

    def update(self, registrant: Registrant, event: HistoryEvent) -> None:
        self.add(
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
        # Another writer already recorded this version: the register is at least there.
        self._put_event(event, lambda _: VersionConflict(event.version))
        self.idempotent_as(event.event_id)

    def claim_my_number(self, sealed: SealedMyNumber) -> None:
        claim = v.claim_pk(sealed.tenant_id, sealed.qualification, sealed.blind_index)
        self.add(
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
        self.add(
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
        self.add(
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
        self.add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": {
                        "pk": {"S": keys.portal_claim_pk(tenant_id, portal_pseudonym_id)},
                        "sk": {"S": keys.CLAIM},
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
        self.add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": {
                        "pk": {"S": keys.portal_claim_pk(tenant_id, portal_pseudonym_id)},
                        "sk": {"S": keys.CLAIM},
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

    def _put_event(self, event: HistoryEvent, failure: Failure) -> None:
        self.add(
            {
                "Put": {
                    "TableName": self._register,
                    "Item": rt.event_item(event),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            failure,
        )
