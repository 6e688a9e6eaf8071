"""The notifier's use case: one outbox event in, its notifications delivered once per channel.

Deterministic problems (no template, a template that fails, no holder, no channel) raise
Undeliverable: the caller dead-letters the message with the reason. A channel that fails for now
raises DeliveryFailed after releasing its claim: the message is retried, and the channels that
already delivered are skipped thanks to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry
from ahaki.kernel.caller import Caller
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import JST
from ahaki.kernel.wareki import wareki_and_iso
from ahaki.notifications.domain.notification import (
    Channel,
    DeliveryFailed,
    HolderNotFound,
    InboxItem,
    NoChannel,
    Rendered,
    RenderFailed,
    notification_id,
)
from ahaki.notifications.domain.templates import MessageTemplate, render, template_of
from ahaki.notifications.services.ports import Claim, NotifierPorts
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services.registry import registrant_chain

NOTIFIER_ACTOR = "system:notifier"
SYSTEM_ROLE = "system"
NEUTRAL_ADDRESS = "申請者 様"  # an applicant not (yet) in the register: no name to use


@dataclass(frozen=True)
class Outcomes:
    delivered: tuple[Channel, ...]  # delivered by this call
    skipped: tuple[Channel, ...]  # delivered before (duplicate or retried event)
    unreachable: str | None = None  # a broadcast's holder without a channel: recorded, not sent


def notify(ports: NotifierPorts, event: OutboxEvent) -> Outcomes:
    template = template_of(event.kind)  # NoTemplate before anything is read
    delivered: list[Channel] = []
    skipped: list[Channel] = []
    if template.to_staff:
        _once(
            ports,
            event,
            Channel.STAFF_ALERT,
            lambda: ports.staff.alert(event.kind, _alert_detail(event)),
            delivered,
            skipped,
        )
    unreachable = _to_holder(ports, event, template, delivered, skipped) if template.to_holder else None
    return Outcomes(tuple(delivered), tuple(skipped), unreachable)


def _to_holder(
    ports: NotifierPorts,
    event: OutboxEvent,
    template: MessageTemplate,
    delivered: list[Channel],
    skipped: list[Channel],
) -> str | None:
    """Delivers to the holder's channels; returns the reason when a broadcast cannot reach them."""
    holder = _holder(ports, event)
    pseudonym = event.portal_pseudonym_id or (holder.portal_pseudonym_id if holder else None)
    contact = ports.contacts.get(event.tenant_id, holder.qualification_pseudonym_id) if holder else None
    email = contact.email if contact and contact.email_opt_in and contact.email else None
    if pseudonym is None and email is None:
        if _must_reach(ports, event, template):
            raise NoChannel(f"no portal pseudonym and no e-mail opt-in for event {event.event_id}")
        ports.ledger.unreachable(event.event_id, event.kind, event.subject_id, NoChannel.reason, ports.clock())
        return NoChannel.reason
    message = render(template, _values(ports, event, holder))
    if pseudonym is not None:
        item = _inbox_item(ports, event, pseudonym, message)
        _once(ports, event, Channel.PORTAL_INBOX, lambda: _put_inbox(ports, item), delivered, skipped)
    if email is not None:
        address = email
        _once(ports, event, Channel.EMAIL, lambda: ports.email.send(address, message), delivered, skipped)
    return None


def _must_reach(ports: NotifierPorts, event: OutboxEvent, template: MessageTemplate) -> bool:
    """Whether a holder without a channel is a dead letter (staff send a letter) or only recorded.

    A broadcast notice to every holder is recorded; a notice staff addressed to this one holder,
    and every decision or change of the holder's record, must reach them."""
    if template.must_reach:
        return True
    notice_id = event.detail.get("notice_id")
    notice = ports.notices.get(event.tenant_id, notice_id) if isinstance(notice_id, str) else None
    return notice is None or notice.audience != "all_holders"


def _once(
    ports: NotifierPorts,
    event: OutboxEvent,
    channel: Channel,
    send: Any,
    delivered: list[Channel],
    skipped: list[Channel],
) -> None:
    now = ports.clock()
    claim = ports.ledger.claim(event.event_id, channel, now)
    if claim is Claim.DELIVERED:
        skipped.append(channel)
        return
    if claim is Claim.IN_PROGRESS:
        raise DeliveryFailed(f"{channel.value} delivery of {event.event_id} is in progress elsewhere")
    try:
        reference = send()
    except Exception:
        ports.ledger.release(event.event_id, channel)
        raise
    ports.ledger.delivered(event.event_id, channel, ports.clock(), str(reference))
    delivered.append(channel)


def _put_inbox(ports: NotifierPorts, item: InboxItem) -> str:
    ports.inbox.deliver(item)  # conditional on its key: a second put after a lost ledger write is a no-op
    return item.notification_id


def _holder(ports: NotifierPorts, event: OutboxEvent) -> Registrant | None:
    """The holder as registered, read with an audit record like every read of personal data."""
    tenant = event.tenant_id
    if event.kind.startswith("application."):
        holder = (
            ports.holders.by_portal_pseudonym(tenant, event.portal_pseudonym_id) if event.portal_pseudonym_id else None
        )
    else:
        holder = ports.register.reader.get(tenant, event.subject_id)
        if holder is None:
            raise HolderNotFound(f"no registrant for event {event.event_id}")
    if holder is not None:
        caller = Caller(NOTIFIER_ACTOR, SYSTEM_ROLE, tenant, event.event_id)
        entry = audit_entry(
            ports.register,
            caller,
            "read_for_notification",
            Outcome.ALLOWED,
            subject=holder.qualification_pseudonym_id,
            detail={"event_id": event.event_id, "kind": event.kind, "items": ["name"]},
        )
        audit_alone(ports.register, registrant_chain(tenant, holder.qualification_pseudonym_id), entry)
    return holder


def _values(ports: NotifierPorts, event: OutboxEvent, holder: Registrant | None) -> dict[str, str]:
    values = {
        "holder": f"{holder.name.family} {holder.name.given} 様" if holder else NEUTRAL_ADDRESS,
        "date": wareki_and_iso(event.occurred_at.astimezone(JST).date()),
        "reference": str(event.detail.get("notice_id") or event.subject_id),
    }
    qualification = _qualification(event, holder)
    if qualification is not None:  # else a template naming the register fails to render (dead letter)
        values["qualification"] = qualification.japanese
    notice_id = event.detail.get("notice_id")
    if isinstance(notice_id, str):
        notice = ports.notices.get(event.tenant_id, notice_id)
        if notice is None:
            raise RenderFailed(f"notice {notice_id} not found")
        values |= {"notice_subject": notice.subject, "notice_body": notice.body}
    return values


def _qualification(event: OutboxEvent, holder: Registrant | None) -> Qualification | None:
    """The register the event is about: named by the event, else the holder's."""
    named = event.detail.get("qualification")
    if isinstance(named, str) and named in Qualification.__members__.values():
        return Qualification(named)
    return holder.qualification if holder is not None else None


def _inbox_item(ports: NotifierPorts, event: OutboxEvent, pseudonym: str, message: Rendered) -> InboxItem:
    now = ports.clock()
    return InboxItem(
        notification_id=notification_id(event.event_id, event.occurred_at),
        tenant_id=event.tenant_id,
        portal_pseudonym_id=pseudonym,
        event_id=event.event_id,
        kind=event.kind,
        subject=message.subject,
        text=message.text,
        html=message.html,
        occurred_at=event.occurred_at,
        delivered_at=now,
        expires_at=int(now.timestamp()) + ports.retention_seconds,
    )


def _alert_detail(event: OutboxEvent) -> dict[str, str]:
    # ids and codes only: the staff topic may fan out to e-mail and chat, outside the vault's reach
    detail = {"event_id": event.event_id, "tenant_id": event.tenant_id, "subject_id": event.subject_id}
    return detail | {k: str(v) for k, v in event.detail.items() if v is not None}
