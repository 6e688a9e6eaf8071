"""Findings of the resident-register sync: list, view, resolve through the register's own
operations (a correction or an erasure), or dismiss with a reason. Every access is audited."""

from __future__ import annotations

from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidInput, NotFound
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services import registry
from ahaki.registry.services.ports import Ports
from ahaki.registry.services.registry import registrant_chain
from ahaki.residents.domain.sync_records import Finding, FindingStatus, Resolution, ResolveFinding
from ahaki.residents.domain.verdicts import ERASURE_CANDIDATES, Verdict
from ahaki.residents.services.ports import SyncPorts


def list_findings(
    ports: Ports, sync: SyncPorts, caller: Caller, status: FindingStatus, limit: int, cursor: str | None
) -> tuple[list[Finding], str | None]:
    if not 1 <= limit <= 100:
        raise InvalidInput("limit", "must be 1-100")
    items, next_cursor = sync.store.findings(caller.tenant_id, status, limit, cursor)
    subjects = tuple(f.qualification_pseudonym_id for f in items)
    entry = audit_entry(ports, caller, "list_sync_findings", subjects=subjects)
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
    return items, next_cursor


def get_finding(ports: Ports, sync: SyncPorts, caller: Caller, finding_id: str) -> Finding:
    finding = sync.store.get_finding(caller.tenant_id, finding_id)
    if finding is None:
        record_refusal(ports, caller, "get_sync_finding", Outcome.NOT_FOUND, None)
        raise NotFound("no such finding")
    chain = registrant_chain(caller.tenant_id, finding.qualification_pseudonym_id)
    audit_alone(
        ports, chain, audit_entry(ports, caller, "get_sync_finding", subject=finding.qualification_pseudonym_id)
    )
    return finding


_APPLIES = {
    "correction": frozenset(Verdict) - ERASURE_CANDIDATES,
    "erasure": ERASURE_CANDIDATES,
}


def resolve_finding(
    ports: Ports, sync: SyncPorts, caller: Caller, finding_id: str, command: ResolveFinding
) -> tuple[Finding, Registrant | None]:
    """Apply the register's own operation (correction or erasure) or dismiss, with a reason."""
    finding = sync.store.get_finding(caller.tenant_id, finding_id)
    if finding is None or finding.status is not FindingStatus.OPEN:
        record_refusal(ports, caller, "resolve_sync_finding", Outcome.NOT_FOUND, None)
        raise NotFound("no open finding with this id")
    changed: Registrant | None = None
    if command.decision == "apply":
        kind = "correction" if command.correction is not None else "erasure"
        if finding.kind not in _APPLIES[kind]:
            raise InvalidInput(kind, f"does not resolve a {finding.kind.value} finding")
        operation = Operation.CORRECT if command.correction is not None else Operation.ERASE
        body = command.correction or command.erasure
        assert body is not None
        changed = registry.change(ports, caller, finding.qualification_pseudonym_id, operation, body, None)
    else:
        chain = registrant_chain(caller.tenant_id, finding.qualification_pseudonym_id)
        detail = {"finding_id": finding_id, "reason": command.reason}
        entry = audit_entry(
            ports, caller, "dismiss_sync_finding", subject=finding.qualification_pseudonym_id, detail=detail
        )
        audit_alone(ports, chain, entry)
    resolution = Resolution(
        decision=command.decision,
        reason=command.reason,
        actor=caller.actor_id,
        resolved_at=ports.clock(),
        registrant_version=changed.version if changed else None,
    )
    status = FindingStatus.RESOLVED if command.decision == "apply" else FindingStatus.DISMISSED
    closed = finding.model_copy(update={"status": status, "resolution": resolution})
    sync.store.close_finding(closed)
    return closed, changed
