"""History events: immutable, one per operation, holding before and after of the changed items.

The snapshot is never edited on its own: it is always ``fold(history)``, and a test checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import Field

from ahaki.kernel.model import Frozen
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant


class Actor(Frozen):
    """Who did it: a staff member's stable id (Cognito sub) and role, or the system."""

    id: str
    role: str


class Change(Frozen):
    before: Any = None
    after: Any = None


class HistoryEvent(Frozen):
    event_id: str
    tenant_id: str
    qualification_pseudonym_id: str
    version: int = Field(ge=1)  # the snapshot version this event produced
    operation: Operation
    actor: Actor
    occurred_at: datetime
    reason: str | None = None
    changes: dict[str, Change]

    def changed_items(self) -> list[str]:
        """Names only: what an audit record or a log line may carry."""
        return sorted(self.changes)


def make_event(
    before: Registrant | None,
    after: Registrant,
    *,
    event_id: str,
    operation: Operation,
    actor: Actor,
    occurred_at: datetime,
    reason: str | None,
) -> HistoryEvent:
    old = before.model_dump(mode="json", exclude={"version"}) if before else {}
    new = after.model_dump(mode="json", exclude={"version"})
    changes = {
        key: Change(before=old.get(key), after=new.get(key))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    }
    return HistoryEvent(
        event_id=event_id,
        tenant_id=after.tenant_id,
        qualification_pseudonym_id=after.qualification_pseudonym_id,
        version=after.version,
        operation=operation,
        actor=actor,
        occurred_at=occurred_at,
        reason=reason,
        changes=changes,
    )


def fold(events: Iterable[HistoryEvent]) -> Registrant:
    """The snapshot that a history produces: each event's after-values, in version order."""
    state: dict[str, Any] = {}
    version = 0
    for event in sorted(events, key=lambda e: e.version):
        if event.version != version + 1:
            raise ValueError(f"history has a gap before version {event.version}")
        for key, change in event.changes.items():
            state[key] = change.after
        version = event.version
    if not state:
        raise ValueError("an empty history folds to nothing")
    return Registrant.model_validate({**state, "version": version})
