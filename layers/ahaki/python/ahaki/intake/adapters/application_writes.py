"""An application's writes, added to a register operation's transaction (or one of their own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ahaki.intake.adapters.applications_table import APPLICATION, application_pk, put_application
from ahaki.intake.domain.application import Application
from ahaki.kernel.adapters import vault as v
from ahaki.kernel.adapters.transaction import DynamoTransaction
from ahaki.kernel.errors import InvalidState
from ahaki.kernel.retry import Contention
from ahaki.kernel.vault import SealedMyNumber

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef


class PendingIdTaken(Contention):
    """The vault already holds a pending My Number under this new id (a fresh id on the retry)."""


class DynamoApplicationWrites:
    def __init__(self, transaction: DynamoTransaction, applications_table: str, vault_table: str) -> None:
        self._transaction = transaction
        self._applications_table = applications_table
        self._vault_table = vault_table

    def put_application(self, application: Application) -> None:
        self._transaction.add(
            {"Put": put_application(self._applications_table, application)},
            lambda _: InvalidState("the application was changed by someone else; reload it and decide again"),
        )

    def hold_pending_my_number(self, sealed: SealedMyNumber) -> None:
        """A new registration's My Number waits in the vault, bound to the id it will get."""
        self._transaction.add(
            {
                "Put": {
                    "TableName": self._vault_table,
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
            lambda _: PendingIdTaken(),
        )

    def drop_pending_my_number(
        self, tenant_id: str, qualification_pseudonym_id: str, *, must_exist: bool = True
    ) -> None:
        """On rejection, once the number became the registrant's (approval), and on retention
        (``must_exist=False``: an application that never held one, or lost it, deletes nothing)."""
        delete: DeleteTypeDef = {
            "TableName": self._vault_table,
            "Key": {"pk": {"S": v.vault_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": v.PENDING}},
        }
        if must_exist:
            delete["ConditionExpression"] = "attribute_exists(pk)"
        self._transaction.add(
            {"Delete": delete},
            lambda _: InvalidState("the vault holds no pending My Number for this application"),
        )

    def delete_application(self, application: Application) -> None:
        self._transaction.add(
            {
                "Delete": {
                    "TableName": self._applications_table,
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
