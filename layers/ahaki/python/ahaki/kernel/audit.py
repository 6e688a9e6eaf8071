"""Audit records: append-only and hash-chained, so a removed or edited record breaks the chain.

A record names who did what to whom and how it ended; it holds ids and item names, never a value
of the record (no name, address, birth date or My Number).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from ahaki.kernel.model import Frozen

GENESIS = "0" * 64


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"  # role or tenant refused
    UNAUTHENTICATED = "unauthenticated"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"  # the law or a conflict refused the change


class ChainHead(Frozen):
    chain: str
    seq: int = 0
    hash: str = GENESIS


class AuditEntry(Frozen):
    """What happened, before it is placed in a chain."""

    tenant_id: str
    actor: str
    role: str
    action: str
    outcome: Outcome
    occurred_at: datetime
    request_id: str
    subject: str | None = None  # qualification_pseudonym_id
    subjects: tuple[str, ...] = ()  # every registrant a search returned
    detail: dict[str, Any] = Field(default_factory=dict)


class AuditRecord(AuditEntry):
    chain: str
    seq: int = Field(ge=1)
    prev_hash: str
    hash: str


def digest(entry: AuditEntry, chain: str, seq: int, prev_hash: str) -> str:
    body = {**entry.model_dump(mode="json"), "chain": chain, "seq": seq, "prev_hash": prev_hash}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(head: ChainHead, entry: AuditEntry) -> AuditRecord:
    seq = head.seq + 1
    return AuditRecord(
        **entry.model_dump(),
        chain=head.chain,
        seq=seq,
        prev_hash=head.hash,
        hash=digest(entry, head.chain, seq, head.hash),
    )


def verify_chain(records: list[AuditRecord]) -> int | None:
    """The seq of the first broken link, or None when the chain is whole."""
    prev, expected = GENESIS, 1
    for record in sorted(records, key=lambda r: r.seq):
        entry = AuditEntry.model_validate(record.model_dump(include=set(AuditEntry.model_fields)))
        if (
            record.seq != expected
            or record.prev_hash != prev
            or digest(entry, record.chain, record.seq, prev) != record.hash
        ):
            return record.seq
        prev, expected = record.hash, expected + 1
    return None
