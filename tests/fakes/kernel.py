"""In-memory fakes of the kernel's ports: the audit trail and the My Number vault.

They keep the DynamoDB/KMS adapters' semantics where services rely on them (kernel/adapters/):
an audit record only takes a free position of its chain, and a sealed My Number is bound to its
holder and never kept in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from ahaki.kernel.audit import AuditRecord, ChainHead
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.retry import ChainContention
from ahaki.kernel.vault import SealedMyNumber

# Deterministic stand-ins for the KMS keys: enough to bind and hide a number in a test, not secrecy.
_DATA_KEY = b"in-memory vault data key"
_BLIND_INDEX_KEY = b"in-memory vault blind index key"
_TAG_BYTES = 16


@dataclass
class Store:
    """Every table the fakes share, behind one lock (a unit of work commits under it)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    audit: dict[str, dict[int, AuditRecord]] = field(default_factory=dict)  # chain -> seq -> record
    outbox: dict[str, OutboxEvent] = field(default_factory=dict)  # event_id -> event
    sealed: dict[tuple[str, str], SealedMyNumber] = field(default_factory=dict)  # (tenant, qid) -> sealed
    claims: dict[tuple[str, Qualification, str], str] = field(default_factory=dict)  # blind index -> owner


class InMemoryAuditTrail:
    def __init__(self, store: Store) -> None:
        self._store = store

    def head(self, chain: str) -> ChainHead:
        with self._store.lock:
            records = self._store.audit.get(chain, {})
            if not records:
                return ChainHead(chain=chain)
            last = records[max(records)]
            return ChainHead(chain=chain, seq=last.seq, hash=last.hash)

    def append(self, record: AuditRecord) -> None:
        with self._store.lock:
            if position_taken(self._store, record):
                raise ChainContention(record.chain)
            put_audit(self._store, record)

    def records(self, chain: str) -> list[AuditRecord]:
        """A whole chain, oldest first (as DynamoAuditTrail.records)."""
        with self._store.lock:
            records = self._store.audit.get(chain, {})
            return [records[seq] for seq in sorted(records)]


def position_taken(store: Store, record: AuditRecord) -> bool:
    return record.seq in store.audit.get(record.chain, {})


def put_audit(store: Store, record: AuditRecord) -> None:
    store.audit.setdefault(record.chain, {})[record.seq] = record


def _keystream(tenant_id: str, qualification_pseudonym_id: str, length: int) -> bytes:
    # Bound to the holder, like KMS's encryption context: another holder's stream will not undo it.
    seed = hmac.new(_DATA_KEY, f"{tenant_id}\x00{qualification_pseudonym_id}".encode(), hashlib.sha256).digest()
    return (seed * (length // len(seed) + 1))[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _tag(tenant_id: str, qualification_pseudonym_id: str, body: bytes) -> bytes:
    holder = f"{tenant_id}\x00{qualification_pseudonym_id}\x00".encode()
    return hmac.new(_DATA_KEY, holder + body, hashlib.sha256).digest()[:_TAG_BYTES]


class InMemoryVault:
    """Seals with a fixed in-memory key; the store keeps only ciphertext and the blind index."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def blind_index(my_number: str) -> str:
        return hmac.new(_BLIND_INDEX_KEY, my_number.encode(), hashlib.sha256).hexdigest()

    def seal(
        self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str, my_number: str
    ) -> SealedMyNumber:
        plain = my_number.encode()
        body = _xor(plain, _keystream(tenant_id, qualification_pseudonym_id, len(plain)))
        return SealedMyNumber(
            tenant_id=tenant_id,
            qualification=qualification,
            qualification_pseudonym_id=qualification_pseudonym_id,
            ciphertext=body + _tag(tenant_id, qualification_pseudonym_id, body),
            blind_index=self.blind_index(my_number),
        )

    def reveal(self, tenant_id: str, qualification_pseudonym_id: str) -> str | None:
        with self._store.lock:
            sealed = self._store.sealed.get((tenant_id, qualification_pseudonym_id))
        if sealed is None:
            return None
        body, tag = sealed.ciphertext[:-_TAG_BYTES], sealed.ciphertext[-_TAG_BYTES:]
        if not hmac.compare_digest(tag, _tag(tenant_id, qualification_pseudonym_id, body)):
            # What KMS answers for a ciphertext sealed for another holder (its encryption context).
            error = {"Error": {"Code": "InvalidCiphertextException", "Message": "bound to another holder"}}
            raise ClientError(error, "Decrypt")  # type: ignore[arg-type]
        return _xor(body, _keystream(tenant_id, qualification_pseudonym_id, len(body))).decode()

    def holder_of(self, tenant_id: str, qualification: Qualification, my_number: str) -> str | None:
        """The live registrant holding this My Number, if any (as KmsVault.holder_of)."""
        with self._store.lock:
            return self._store.claims.get((tenant_id, qualification, self.blind_index(my_number)))
