"""Notifications: what the notifier delivers, through which channel, and why one cannot be sent.

A notification is rendered from an outbox event (ids only) plus what the notifier reads itself
(the holder's registered name, a staff notice's text). Queue payloads never carry more than ids.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from ahaki.kernel import text
from ahaki.kernel.model import Frozen
from ahaki.kernel.qualification import Qualification


class Channel(StrEnum):
    PORTAL_INBOX = "portal_inbox"  # the inbox the portal integration displays
    EMAIL = "email"  # SES, only where the holder opted in
    STAFF_ALERT = "staff_alert"  # the staff SNS topic (ids only)


class Undeliverable(Exception):
    """An event that no retry can deliver: it goes to the DLQ with ``reason``, never dropped."""

    reason = "undeliverable"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail  # ids and kinds only: it becomes a message attribute and a log field


class NoTemplate(Undeliverable):
    reason = "no_template"


class RenderFailed(Undeliverable):
    reason = "render_failed"


class NoChannel(Undeliverable):
    reason = "no_channel"


class HolderNotFound(Undeliverable):
    reason = "holder_not_found"


class DeliveryFailed(Exception):
    """A channel failed for now (throttling, outage): the message is retried, then dead-lettered."""


class Rendered(Frozen):
    subject: str
    text: str
    html: str


class InboxItem(Frozen):
    """One message in a citizen's portal inbox, addressed by portal pseudonym only."""

    notification_id: str  # <occurred_at UTC compact>-<event id>: sortable, derived from the event
    tenant_id: str
    portal_pseudonym_id: str
    event_id: str
    kind: str
    subject: str
    text: str
    html: str
    occurred_at: datetime
    delivered_at: datetime
    read_at: datetime | None = None
    expires_at: int  # epoch seconds (DynamoDB TTL): inbox items do not live forever


def notification_id(event_id: str, occurred_at: datetime) -> str:
    return f"{occurred_at.strftime('%Y%m%dT%H%M%S%fZ')}-{event_id}"


class ContactPreference(Frozen):
    """Where a holder wants to hear from us besides the portal inbox (e-mail is opt-in)."""

    tenant_id: str
    qualification_pseudonym_id: str
    email: str | None = None
    email_opt_in: bool = False


# A plain address check (RFC 5321 lengths; SES itself refuses what it cannot deliver). The message
# names the rule, never the value: an e-mail address is personal data.
EmailAddress = Annotated[
    str, Field(min_length=3, max_length=254, pattern=r"^[^@\s<>()\[\],;:\"]{1,64}@[^@\s<>()\[\],;:\"]+\.[A-Za-z]{2,}$")
]


class PreferencesRequest(Frozen):
    """PUT /portal/notification-preferences: where the holder wants e-mail besides the inbox."""

    email: EmailAddress | None = None
    email_opt_in: bool = False

    @model_validator(mode="after")
    def _address_for_opt_in(self) -> Self:
        if self.email_opt_in and self.email is None:
            raise ValueError("email_opt_in needs an email address")
        return self


def _no_markup(value: str) -> str:
    if "<" in value or ">" in value:
        raise ValueError("plain text only")
    return value


# A subject becomes an e-mail header: one line (CR/LF would inject headers), as text.py defines it.
NoticeText = Annotated[
    str,
    Field(min_length=1, max_length=2000, json_schema_extra={"pattern": text.FREE_TEXT_PATTERN}),
    AfterValidator(text.free_text),
    AfterValidator(_no_markup),
]
NoticeSubject = Annotated[
    str,
    Field(min_length=1, max_length=100, json_schema_extra={"pattern": text.SINGLE_LINE_PATTERN}),
    AfterValidator(text.single_line),
    AfterValidator(_no_markup),
]


class NoticeRequest(Frozen):
    """POST /admin/notices: to one holder, or to every current holder of a qualification.

    Staff are told not to put personal data in a notice: it is sent to many and kept.
    """

    audience: Literal["holder", "all_holders"]
    qualification_pseudonym_id: str | None = Field(default=None, min_length=1, max_length=64)
    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    subject: NoticeSubject
    body: NoticeText

    @model_validator(mode="after")
    def _addressed(self) -> Self:
        if (self.audience == "holder") != (self.qualification_pseudonym_id is not None):
            raise ValueError("qualification_pseudonym_id is required for a holder, and only then")
        return self


class Notice(Frozen):
    notice_id: str
    tenant_id: str
    audience: Literal["holder", "all_holders"]
    qualification: Qualification
    qualification_pseudonym_id: str | None = None
    subject: str
    body: str
    created_by: str
    created_at: datetime


class FanoutPage(Frozen):
    """One step of a broadcast: the next page of holders to enqueue (a cursor, never the holders)."""

    notice_id: str
    tenant_id: str
    qualification: Qualification
    occurred_at: datetime  # the notice's time: every holder's message carries it
    status_index: int = 0  # which of FANOUT_STATUSES is being walked
    cursor: str | None = None
    enqueued: int = 0  # holders enqueued so far, for the log and the last page's alert
