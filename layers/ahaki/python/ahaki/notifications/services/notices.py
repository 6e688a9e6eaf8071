"""Staff notices: recorded with their audit record and outbox event in one transaction, then fanned
out one page of holders at a time through the queue (memory does not grow with the audience)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ahaki.kernel.audit import AuditRecord, Outcome, append
from ahaki.kernel.auditing import audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import NotFound
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.retry import retrying
from ahaki.notifications.domain.events import NOTICE_REQUESTED, STAFF_NOTICE
from ahaki.notifications.domain.notification import FanoutPage, Notice, NoticeRequest
from ahaki.notifications.services.ports import FanoutPorts, HolderDirectory
from ahaki.registry.domain.registrant import Status
from ahaki.registry.services.ports import Ports
from ahaki.registry.services.registry import registrant_chain

# The current holders of a qualification: registered, and suspended (still licensed).
FANOUT_STATUSES: tuple[Status, ...] = (Status.REGISTERED, Status.SUSPENDED)
_NAMESPACE = uuid.UUID("5b1d2c1e-2f5c-4f0e-9a57-6e6f74696365")


class NoticeUnitOfWork(Protocol):
    def save_notice(self, notice: Notice) -> None: ...

    def audit(self, record: AuditRecord) -> None: ...

    def emit(self, event: OutboxEvent) -> None: ...

    def commit(self) -> None: ...


def send_notice(
    ports: Ports,
    holders: HolderDirectory,
    unit_of_work: Callable[[], NoticeUnitOfWork],
    caller: Caller,
    request: NoticeRequest,
) -> Notice:
    tenant = caller.tenant_id
    subject = request.qualification_pseudonym_id
    if subject is not None and not holders.exists(tenant, subject):
        record_refusal(ports, caller, "send_notice", Outcome.NOT_FOUND, None)
        raise NotFound("no such registrant")
    notice = Notice(
        notice_id=ports.new_id(),
        tenant_id=tenant,
        audience=request.audience,
        qualification=request.qualification,
        qualification_pseudonym_id=subject,
        subject=request.subject,
        body=request.body,
        created_by=caller.actor_id,
        created_at=ports.clock(),
    )
    chain = registrant_chain(tenant, subject) if subject else shard_chain(tenant, ports.audit_shards)
    event = OutboxEvent(
        event_id=notice.notice_id,
        tenant_id=tenant,
        kind=NOTICE_REQUESTED,
        occurred_at=notice.created_at,
        subject_id=subject or notice.notice_id,
        detail={
            "notice_id": notice.notice_id,
            "audience": notice.audience,
            "qualification": notice.qualification.value,
        },
    )
    entry = audit_entry(
        ports,
        caller,
        "send_notice",
        Outcome.ALLOWED,
        subject=subject,
        detail={
            "notice_id": notice.notice_id,
            "audience": notice.audience,
            "qualification": notice.qualification.value,
        },
    )

    def attempt() -> Notice:
        uow = unit_of_work()
        uow.save_notice(notice)
        uow.audit(append(ports.audit.head(chain), entry))
        uow.emit(event)
        uow.commit()
        return notice

    return retrying(attempt)


def holder_event(notice_id: str, tenant_id: str, qualification_pseudonym_id: str, occurred_at: datetime) -> str:
    """The per-holder message: ids only. Its event id is derived, so a page enqueued twice delivers once."""
    event_id = str(uuid.uuid5(_NAMESPACE, f"{notice_id}:{qualification_pseudonym_id}"))
    return OutboxEvent(
        event_id=event_id,
        tenant_id=tenant_id,
        kind=STAFF_NOTICE,
        occurred_at=occurred_at,
        subject_id=qualification_pseudonym_id,
        detail={"notice_id": notice_id},
    ).model_dump_json()


def start_fanout(event: OutboxEvent) -> FanoutPage | list[str]:
    """A notice.requested event: the first page of a broadcast, or the one holder's message."""
    notice_id = str(event.detail["notice_id"])
    if event.detail.get("audience") == "holder":
        return [holder_event(notice_id, event.tenant_id, event.subject_id, event.occurred_at)]
    return FanoutPage.model_validate(
        {
            "notice_id": notice_id,
            "tenant_id": event.tenant_id,
            "qualification": event.detail["qualification"],
            "occurred_at": event.occurred_at,
        }
    )


def fan_out_page(ports: FanoutPorts, page: FanoutPage) -> FanoutPage | None:
    """Enqueues one page of holders, then the next page (delayed: the controlled rate). None when done."""
    status = FANOUT_STATUSES[page.status_index]
    ids, cursor = ports.holders.holder_ids(page.tenant_id, page.qualification, status, ports.page_size, page.cursor)
    bodies = [holder_event(page.notice_id, page.tenant_id, qid, page.occurred_at) for qid in ids]
    for start in range(0, len(bodies), 10):  # SQS batches hold 10 messages
        ports.notifier_queue.send_batch(bodies[start : start + 10])
    enqueued = page.enqueued + len(ids)
    if cursor is not None:
        following = page.model_copy(update={"cursor": cursor, "enqueued": enqueued})
    elif page.status_index + 1 < len(FANOUT_STATUSES):
        following = page.model_copy(
            update={"status_index": page.status_index + 1, "cursor": None, "enqueued": enqueued}
        )
    else:
        return None
    ports.fanout_queue.send_batch([following.model_dump_json()], delay_seconds=ports.page_delay_seconds)
    return following
