"""The ports every context shares: the audit trail, and what auditing needs besides it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ahaki.kernel.audit import AuditRecord, ChainHead
from ahaki.kernel.outbox import OutboxEvent


class AuditTrail(Protocol):
    def head(self, chain: str) -> ChainHead: ...

    def append(self, record: AuditRecord) -> None:
        """Put one record alone (reads and refusals); raises ChainContention if the seq is taken."""
        ...


class AuditPorts(Protocol):
    """What auditing an access needs; each context's ports provide it."""

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def audit_shards(self) -> int: ...


class Transaction(Protocol):
    """Writes that belong together, committed as one DynamoDB transaction or not at all. Each
    context's unit of work adds its own items; every one can audit and emit."""

    def audit(self, record: AuditRecord) -> None: ...

    def emit(self, event: OutboxEvent) -> None: ...

    def commit(self) -> None:
        """Raises the error each failed item's condition means, or TransactionConflict."""
        ...
