"""The portal inbox as the portal integration reads it: the caller's own pseudonym only, audited."""

from __future__ import annotations

from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import NotFound
from ahaki.notifications.domain.notification import InboxItem
from ahaki.notifications.services.ports import Inbox
from ahaki.registry.services.ports import Ports


def _pseudonym(caller: Caller) -> str:
    assert caller.portal_pseudonym_id is not None, "portal routes always carry the pseudonym"
    return caller.portal_pseudonym_id


def list_notifications(
    ports: Ports, inbox: Inbox, caller: Caller, limit: int, cursor: str | None
) -> tuple[list[InboxItem], str | None]:
    items, next_cursor = inbox.list(caller.tenant_id, _pseudonym(caller), ports.clock(), limit, cursor)
    # The messages carry the holder's name: reading them is a read of personal data (actor = pseudonym).
    entry = audit_entry(ports, caller, "list_notifications", Outcome.ALLOWED, detail={"count": len(items)})
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
    return items, next_cursor


def mark_read(ports: Ports, inbox: Inbox, caller: Caller, notification_id: str) -> InboxItem:
    item = inbox.mark_read(caller.tenant_id, _pseudonym(caller), notification_id, ports.clock())
    if item is None:
        record_refusal(ports, caller, "mark_notification_read", Outcome.NOT_FOUND, None)
        raise NotFound("no such notification")
    entry = audit_entry(
        ports, caller, "mark_notification_read", Outcome.ALLOWED, detail={"notification_id": notification_id}
    )
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
    return item
