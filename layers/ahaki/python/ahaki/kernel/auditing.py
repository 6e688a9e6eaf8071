"""Every access to personal data leaves an audit record: the entries and their chains.

A write's record joins the write's transaction (the context's unit of work); a read's or a
refusal's record is appended alone, before the data is returned (no audit record, no data).
"""

from __future__ import annotations

import random
from typing import Any

from ahaki.kernel.audit import AuditEntry, Outcome, append
from ahaki.kernel.caller import Caller
from ahaki.kernel.ports import AuditPorts
from ahaki.kernel.retry import retrying


def shard_chain(tenant_id: str, shards: int) -> str:
    # Records without one subject spread over shards, so no single chain serializes the system.
    return f"T#{tenant_id}#SHARD#{random.randrange(shards):02d}"  # noqa: S311 - spreading load, not secrecy


def audit_entry(
    ports: AuditPorts, caller: Caller, action: str, outcome: Outcome = Outcome.ALLOWED, **fields: Any
) -> AuditEntry:
    """An audit entry of the caller's action, now; ``fields``: subject(s) and detail (ids only)."""
    return AuditEntry(
        tenant_id=caller.tenant_id,
        actor=caller.actor_id,
        role=caller.role,
        action=action,
        outcome=outcome,
        occurred_at=ports.clock(),
        request_id=caller.request_id,
        **fields,
    )


def audit_alone(ports: AuditPorts, chain: str, entry: AuditEntry) -> None:
    """Appends one audit record outside any change (reads, refusals)."""

    def attempt() -> None:
        ports.audit.append(append(ports.audit.head(chain), entry))

    retrying(attempt)


def record_refusal(
    ports: AuditPorts,
    caller: Caller,
    action: str,
    outcome: Outcome,
    subject: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """``detail``: ids and rule names only (why it was refused), never a value of the request."""
    audit_alone(
        ports,
        shard_chain(caller.tenant_id, ports.audit_shards),
        audit_entry(ports, caller, action, outcome, subject=subject, detail=detail or {}),
    )
