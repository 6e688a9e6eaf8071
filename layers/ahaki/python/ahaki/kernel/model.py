"""The base of every domain model (kept apart from the value objects, which cost a cold start that
needs none of them: the outbox, the audit chain)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base of every domain model: immutable, and unknown fields are refused by name."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)
