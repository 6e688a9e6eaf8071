"""In-memory fakes of the registry's ports (registry/services/ports.py), and ``in_memory_ports()``.

They keep the DynamoDB adapters' semantics where the services rely on them (registry/adapters/):
a unit of work commits all or nothing, checking every condition against the state before it; a
create out of turn or onto a taken id, an update whose version moved, a taken My Number or portal
pseudonym, a taken audit position each raise the error the DynamoDB adapters raise.
tests/integration/registry/test_ports_behave_alike.py holds both to the same scenarios.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

from ahaki.kernel.errors import InvalidInput
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import NameKana
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.office_holders import OfficeHolders
from ahaki.registry.domain.registrant import Registrant, Status
from ahaki.registry.services.ports import Page, Ports, SequenceState
from tests.fakes.kernel import InMemoryAuditTrail, InMemoryVault
from tests.fakes.store import RegisterStore
from tests.fakes.unit_of_work import InMemoryUnitOfWork


class InMemoryRegisterReader:
    def __init__(self, store: RegisterStore) -> None:
        self._store = store

    def get(self, tenant_id: str, qualification_pseudonym_id: str) -> Registrant | None:
        with self._store.lock:
            return self._store.snapshots.get((tenant_id, qualification_pseudonym_id))

    def history(self, tenant_id: str, qualification_pseudonym_id: str) -> list[HistoryEvent]:
        with self._store.lock:
            events = self._store.events.get((tenant_id, qualification_pseudonym_id), {})
            return [events[v] for v in sorted(events)]

    def by_registration_number(
        self, tenant_id: str, qualification: Qualification, registration_number: int
    ) -> Registrant | None:
        wanted = (qualification, registration_number)
        return next((r for r in self._of(tenant_id) if (r.qualification, r.registration_number) == wanted), None)

    def by_kana_birth(
        self, tenant_id: str, qualification: Qualification, name_kana: NameKana, birth_date: date, limit: int
    ) -> list[Registrant]:
        wanted = (qualification, name_kana, birth_date)
        found = [r for r in self._of(tenant_id) if (r.qualification, r.name_kana, r.birth_date) == wanted]
        # The index sorts a name and birth date's registrants by their id.
        return sorted(found, key=lambda r: r.qualification_pseudonym_id)[:limit]

    def by_status(
        self, tenant_id: str, qualification: Qualification, status: Status, limit: int, cursor: str | None
    ) -> Page:
        after = _decode_cursor(cursor, status) if cursor else 0
        found = [
            r
            for r in self._of(tenant_id)
            if r.qualification is qualification and r.status is status and r.registration_number > after
        ]
        found.sort(key=lambda r: r.registration_number)
        page = found[:limit]
        # As moto: a cursor only when more remain (DynamoDB may also give one at an exact end).
        more = len(found) > limit
        return Page(page, f"{status.value}:{page[-1].registration_number}" if more else None)

    def by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> Registrant | None:
        found = self._of(tenant_id)
        return next((r for r in found if r.portal_pseudonym_id == portal_pseudonym_id), None)

    def portal_pseudonym_holder(self, tenant_id: str, portal_pseudonym_id: str) -> str | None:
        with self._store.lock:
            claim = self._store.portal_claims.get((tenant_id, portal_pseudonym_id))
        return None if claim is None or claim.released else claim.owner

    def _of(self, tenant_id: str) -> list[Registrant]:
        with self._store.lock:
            return [r for (tenant, _), r in self._store.snapshots.items() if tenant == tenant_id]


def _decode_cursor(cursor: str, status: Status) -> int:
    prefix, _, number = cursor.partition(":")
    if prefix != status.value or not number.isdigit():
        raise InvalidInput("cursor", "is not a cursor this search returned")
    return int(number)


class InMemorySequence:
    """The ticket lock of registry/adapters/sequence.py over a dict."""

    def __init__(self, store: RegisterStore) -> None:
        self._store = store

    def take_ticket(self, tenant_id: str, qualification: Qualification) -> int:
        with self._store.lock:
            key = (tenant_id, qualification)
            self._store.tickets[key] = self._store.tickets.get(key, 0) + 1
            return self._store.tickets[key]

    def state(self, tenant_id: str, qualification: Qualification) -> SequenceState:
        with self._store.lock:
            return self._store.sequences.get((tenant_id, qualification), SequenceState(last=0, turn=0))

    def pass_turn(self, tenant_id: str, qualification: Qualification, served: int) -> None:
        with self._store.lock:
            state = self.state(tenant_id, qualification)
            if state.turn != served:  # the turn has already moved: a no-op, as the adapter
                return
            self._store.sequences[(tenant_id, qualification)] = SequenceState(
                last=state.last, turn=served + 1, abandoned=state.abandoned - {served + 1}
            )

    def abandon(self, tenant_id: str, qualification: Qualification, ticket: int) -> None:
        with self._store.lock:
            state = self.state(tenant_id, qualification)
            self._store.sequences[(tenant_id, qualification)] = SequenceState(
                last=state.last, turn=state.turn, abandoned=state.abandoned | {ticket}
            )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return str(uuid.uuid4())


def in_memory_ports(
    store: RegisterStore | None = None,
    clock: Callable[[], datetime] = _utc_now,
    new_id: Callable[[], str] = _new_id,
    office_holders: Callable[[str], OfficeHolders] = lambda _tenant: OfficeHolders(),
) -> Ports:
    """Ports over one in-memory store (a new, empty one unless given): no AWS, no moto."""
    store = store or RegisterStore()
    return Ports(
        reader=InMemoryRegisterReader(store),
        sequence=InMemorySequence(store),
        vault=InMemoryVault(store),
        audit=InMemoryAuditTrail(store),
        unit_of_work=lambda: InMemoryUnitOfWork(store),
        clock=clock,
        new_id=new_id,
        office_holders=office_holders,
    )
