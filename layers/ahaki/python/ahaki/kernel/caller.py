"""Who is asking: the authenticated caller every use case receives from the edge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """The authenticated staff member (or system principal) behind a request."""

    actor_id: str
    role: str
    tenant_id: str
    request_id: str
    portal_pseudonym_id: str | None = None  # set only for the portal integration's callers
