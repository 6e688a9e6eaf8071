"""An application's records: its audit chain, its writes (the item, the audit record and, on a
change of state, the outbox event, in one transaction), its reads' audit, and the purge after the
retention period. The portal's, the staff's and the retention job's use cases all write through
these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ahaki.intake.domain.application import (
    Application,
    after_arrival,
)
from ahaki.intake.domain.events import application_kind
from ahaki.intake.services.ports import IntakePorts
from ahaki.kernel.audit import Outcome, append
from ahaki.kernel.auditing import audit_alone, audit_entry
from ahaki.kernel.caller import Caller
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.retry import retrying
from ahaki.registry.services.ports import UnitOfWork


def application_chain(tenant_id: str, application_id: str) -> str:
    return f"T#{tenant_id}#APP#{application_id}"


def attachment_key(tenant_id: str, application_id: str, attachment_type: str) -> str:
    return f"{tenant_id}/{application_id}/{attachment_type}"


def save(
    ip: IntakePorts,
    caller: Caller,
    application: Application,
    action: str,
    *,
    auto_complete: bool = True,
    always_emit: bool = False,
    **changes: Any,
) -> Application:
    now = ip.register.clock()
    if auto_complete:
        updated = after_arrival(application, now, **changes)
    else:
        updated = application.model_copy(
            update={"reminded_at": None, **changes, "updated_at": now, "version": application.version + 1}
        )

    def attempt() -> Application:
        uow = ip.register.unit_of_work()
        writes = ip.application_writes(uow)
        writes.put_application(updated)
        record(ip, uow, caller, updated, action, emit=always_emit or updated.status is not application.status)
        uow.commit()
        return updated

    return retrying(attempt)


def record(
    ip: IntakePorts, uow: UnitOfWork, caller: Caller, application: Application, action: str, *, emit: bool = True
) -> None:
    """The audit record (and, on a state change, the outbox event) of an application write."""
    ports = ip.register
    chain = application_chain(application.tenant_id, application.application_id)
    entry = audit_entry(
        ports,
        caller,
        action,
        Outcome.ALLOWED,
        subject=application.subject_id,
        detail={"application_id": application.application_id, "version": application.version},
    )
    uow.audit(append(ports.audit.head(chain), entry))
    if emit:
        uow.emit(application_event(ports.new_id(), application))


def application_event(event_id: str, application: Application) -> OutboxEvent:
    """Ids and codes only; portal_pseudonym_id lets notifications address the applicant."""
    return OutboxEvent(
        event_id=event_id,
        tenant_id=application.tenant_id,
        kind=application_kind(application.status),
        occurred_at=application.updated_at,
        subject_id=application.application_id,
        portal_pseudonym_id=application.portal_pseudonym_id,
        detail={
            "kind": application.kind.value,
            "version": application.version,
            "missing": ",".join(application.missing_items()) or None,
            "late": application.late,
            # The register concerned, where the form names it (else the notifier takes the holder's).
            "qualification": application.named_qualification(),
        },
    )


def audit_read(ip: IntakePorts, caller: Caller, action: str, application: Application, **ids: str | None) -> None:
    """A read of the application on its chain; ``ids``: what else was read, by id (never a value)."""
    entry = audit_entry(
        ip.register,
        caller,
        action,
        Outcome.ALLOWED,
        subject=application.subject_id,
        detail={"application_id": application.application_id, **ids},
    )
    audit_alone(ip.register, application_chain(caller.tenant_id, application.application_id), entry)


def purge_expired(ip: IntakePorts, now: datetime) -> int:
    """What DynamoDB TTL and the S3 lifecycle do after the retention period, done on demand (and
    the daily backstop): the application's personal data and attachments go; the register and
    the audit trail keep what they need."""
    purged = 0
    for tenant, application_id in ip.applications.expired(now):
        ip.attachments.delete_prefix(f"{tenant}/{application_id}/")
        ip.applications.delete(tenant, application_id)
        caller = Caller("system:retention", "system", tenant, f"retention:{application_id}")
        entry = audit_entry(
            ip.register, caller, "purge_application", Outcome.ALLOWED, detail={"application_id": application_id}
        )
        audit_alone(ip.register, application_chain(tenant, application_id), entry)
        purged += 1
    return purged
