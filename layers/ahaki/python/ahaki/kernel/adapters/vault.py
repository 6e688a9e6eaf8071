"""The My Number vault: ciphertext under its own KMS key, bound to its holder by encryption context.

The blind index is a keyed HMAC computed inside KMS (the HMAC key never leaves it), so "who holds
this number" can be answered without storing or decrypting any number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ahaki.kernel.qualification import Qualification
from ahaki.kernel.vault import SealedMyNumber

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient

MY_NUMBER = "MY_NUMBER"
CLAIM = "CLAIM"
PENDING = "PENDING_MY_NUMBER"  # a new registration's number, until the application is decided


def vault_pk(tenant_id: str, qualification_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#Q#{qualification_pseudonym_id}"


def claim_pk(tenant_id: str, qualification: Qualification, blind_index: str) -> str:
    return f"T#{tenant_id}#{qualification.value}#BI#{blind_index}"


def encryption_context(tenant_id: str, qualification_pseudonym_id: str) -> dict[str, str]:
    # A ciphertext copied to another holder's item will not decrypt: KMS checks this context.
    return {"tenant_id": tenant_id, "qualification_pseudonym_id": qualification_pseudonym_id}


class KmsVault:
    def __init__(
        self, kms: KMSClient, dynamodb: DynamoDBClient, table: str, key_id: str, blind_index_key_id: str
    ) -> None:
        self._kms = kms
        self._dynamodb = dynamodb
        self._table = table
        self._key_id = key_id
        self._blind_index_key_id = blind_index_key_id

    def blind_index(self, my_number: str) -> str:
        mac = self._kms.generate_mac(
            KeyId=self._blind_index_key_id, Message=my_number.encode(), MacAlgorithm="HMAC_SHA_256"
        )
        return bytes(mac["Mac"]).hex()

    def seal(
        self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str, my_number: str
    ) -> SealedMyNumber:
        sealed = self._kms.encrypt(
            KeyId=self._key_id,
            Plaintext=my_number.encode(),
            EncryptionContext=encryption_context(tenant_id, qualification_pseudonym_id),
        )
        return SealedMyNumber(
            tenant_id=tenant_id,
            qualification=qualification,
            qualification_pseudonym_id=qualification_pseudonym_id,
            ciphertext=bytes(sealed["CiphertextBlob"]),
            blind_index=self.blind_index(my_number),
        )

    def reveal(self, tenant_id: str, qualification_pseudonym_id: str) -> str | None:
        found = self._dynamodb.get_item(
            TableName=self._table,
            Key={"pk": {"S": vault_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": MY_NUMBER}},
            ConsistentRead=True,
        )
        if "Item" not in found:
            return None
        plain = self._kms.decrypt(
            CiphertextBlob=found["Item"]["ciphertext"]["B"],
            KeyId=self._key_id,
            EncryptionContext=encryption_context(tenant_id, qualification_pseudonym_id),
        )
        return bytes(plain["Plaintext"]).decode()

    def holder_of(self, tenant_id: str, qualification: Qualification, my_number: str) -> str | None:
        """The live registrant holding this My Number, if any (intake's duplicate check)."""
        return self.holder_of_index(tenant_id, qualification, self.blind_index(my_number))

    def pending(self, tenant_id: str, qualification_pseudonym_id: str) -> SealedMyNumber | None:
        """The sealed number an application holds for its future registrant (never decrypted here)."""
        found = self._dynamodb.get_item(
            TableName=self._table,
            Key={"pk": {"S": vault_pk(tenant_id, qualification_pseudonym_id)}, "sk": {"S": PENDING}},
            ConsistentRead=True,
        )
        if "Item" not in found:
            return None
        item = found["Item"]
        return SealedMyNumber(
            tenant_id=tenant_id,
            qualification=Qualification(item["qualification"]["S"]),
            qualification_pseudonym_id=qualification_pseudonym_id,
            ciphertext=bytes(item["ciphertext"]["B"]),
            blind_index=str(item["blind_index"]["S"]),
        )

    def holder_of_index(self, tenant_id: str, qualification: Qualification, blind_index: str) -> str | None:
        """The live registrant whose My Number has this blind index (a duplicate check without the number)."""
        found = self._dynamodb.get_item(
            TableName=self._table,
            Key={"pk": {"S": claim_pk(tenant_id, qualification, blind_index)}, "sk": {"S": CLAIM}},
            ConsistentRead=True,
        )
        return str(found["Item"]["owner"]["S"]) if "Item" in found else None
