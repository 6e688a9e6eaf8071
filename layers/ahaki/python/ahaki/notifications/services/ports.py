"""The ports of the notifier, the inbox and staff notices. Adapters implement them; tests swap them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from ahaki.kernel.qualification import Qualification
from ahaki.notifications.domain.notification import Channel, ContactPreference, InboxItem, Notice, Rendered
from ahaki.registry.domain.registrant import Registrant, Status
from ahaki.registry.services.ports import Ports


class Claim(StrEnum):
    CLAIMED = "claimed"  # ours to deliver now
    DELIVERED = "delivered"  # delivered before: do nothing (a duplicate or retried event)
    IN_PROGRESS = "in_progress"  # another worker holds a fresh claim: retry later


class DeliveryLedger(Protocol):
    """One record per (event id, channel), written conditionally: what makes delivery once in effect."""

    def claim(self, event_id: str, channel: Channel, now: datetime) -> Claim: ...

    def delivered(self, event_id: str, channel: Channel, now: datetime, reference: str) -> None: ...

    def release(self, event_id: str, channel: Channel) -> None:
        """The delivery failed: the next attempt may claim it again."""
        ...

    def unreachable(self, event_id: str, kind: str, subject_id: str, reason: str, now: datetime) -> None:
        """Records (once) that this event could reach its holder through no channel (ids only)."""
        ...


class Inbox(Protocol):
    def deliver(self, item: InboxItem) -> bool:
        """Puts the item unless it is there already (conditional on its key); True if it was new."""
        ...

    def list(
        self, tenant_id: str, portal_pseudonym_id: str, now: datetime, limit: int, cursor: str | None
    ) -> tuple[list[InboxItem], str | None]: ...

    def mark_read(
        self, tenant_id: str, portal_pseudonym_id: str, notification_id: str, now: datetime
    ) -> InboxItem | None: ...


class EmailSender(Protocol):
    def send(self, to: str, message: Rendered) -> str:
        """Sends one message; returns the provider's message id. Raises DeliveryFailed."""
        ...


class StaffAlerts(Protocol):
    def alert(self, kind: str, detail: dict[str, str]) -> str:
        """Publishes an alert of ids and codes only; returns the message id."""
        ...


class Contacts(Protocol):
    def get(self, tenant_id: str, qualification_pseudonym_id: str) -> ContactPreference | None: ...

    def put(self, preference: ContactPreference) -> None: ...


class HolderDirectory(Protocol):
    """Look-ups the notifier needs besides RegisterReader.get."""

    def by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> Registrant | None: ...

    def id_by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> str | None:
        """The holder's qualification_pseudonym_id only (no personal data is read)."""
        ...

    def holder_ids(
        self, tenant_id: str, qualification: Qualification, status: Status, limit: int, cursor: str | None
    ) -> tuple[list[str], str | None]:
        """One page of qualification_pseudonym_ids (ids only, so no personal data is read)."""
        ...

    def exists(self, tenant_id: str, qualification_pseudonym_id: str) -> bool: ...


class NoticeStore(Protocol):
    def get(self, tenant_id: str, notice_id: str) -> Notice | None: ...


class Queue(Protocol):
    def send_batch(self, bodies: Sequence[str], delay_seconds: int = 0) -> None: ...


class DeadLetters(Protocol):
    def dead_letter(self, body: str, reason: str, detail: str) -> None:
        """Sends one message to the DLQ with its reason as message attributes."""
        ...


@dataclass(frozen=True)
class NotifierPorts:
    register: Ports  # the register reader and the audit trail (reads are audited)
    holders: HolderDirectory
    ledger: DeliveryLedger
    inbox: Inbox
    email: EmailSender
    staff: StaffAlerts
    contacts: Contacts
    notices: NoticeStore
    dead_letters: DeadLetters
    retention_seconds: int  # how long an inbox item lives
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class FanoutPorts:
    holders: HolderDirectory
    notifier_queue: Queue
    fanout_queue: Queue
    page_size: int
    page_delay_seconds: int  # pacing: a broadcast moves one page per this many seconds at most
