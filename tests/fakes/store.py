"""The register table's items for the in-memory fakes, beside the kernel's tables, under one lock."""

from __future__ import annotations

from dataclasses import dataclass, field

from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services.ports import SequenceState
from tests.fakes.kernel import Store

Key = tuple[str, str]  # (tenant_id, qualification_pseudonym_id or portal_pseudonym_id)


@dataclass
class PortalClaim:
    owner: str
    released: bool = False


@dataclass
class RegisterStore(Store):
    snapshots: dict[Key, Registrant] = field(default_factory=dict)
    events: dict[Key, dict[int, HistoryEvent]] = field(default_factory=dict)  # version -> event
    sequences: dict[tuple[str, Qualification], SequenceState] = field(default_factory=dict)
    tickets: dict[tuple[str, Qualification], int] = field(default_factory=dict)
    portal_claims: dict[Key, PortalClaim] = field(default_factory=dict)
