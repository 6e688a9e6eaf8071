"""Domain events for other parts of the system (notifications, the certificate status list).

Written to the outbox in the same transaction as the change they report; a relay on the outbox
table's stream moves them on. They carry ids and codes only: a reader that needs personal data
reads it from the register with its own audited access.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ahaki.kernel.model import Frozen

Scalar = str | int | bool | None


class OutboxEvent(Frozen):
    event_id: str  # also the idempotency key of every consumer
    tenant_id: str
    kind: str  # "<aggregate>.<what happened>": registrant.register, application.approved, ...
    occurred_at: datetime
    subject_id: str  # the aggregate's pseudonymous id (qualification_pseudonym_id, application id)
    portal_pseudonym_id: str | None = None  # whom the portal may notify, if anyone
    detail: dict[str, Scalar] = Field(default_factory=dict)
