"""The in-memory unit of work: every item's condition is checked against the state before the
commit, then all items apply, or none (as one DynamoDB transaction, registry/adapters/unit_of_work.py)."""

from __future__ import annotations

from collections.abc import Callable

from ahaki.kernel.audit import AuditRecord
from ahaki.kernel.errors import DuplicateMyNumber, PortalPseudonymInUse, VersionConflict
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.retry import ChainContention, EventIdTaken
from ahaki.kernel.vault import SealedMyNumber
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services.ports import SequenceContention, SequenceState, Turn
from tests.fakes.kernel import position_taken, put_audit
from tests.fakes.store import PortalClaim, RegisterStore

# The error the item's failed condition means, or None when it holds; checked under the lock.
Check = Callable[[], Exception | None]
Apply = Callable[[], None]


class InMemoryUnitOfWork:
    def __init__(self, store: RegisterStore) -> None:
        self._store = store
        self._items: list[tuple[Check, Apply]] = []

    def create(self, registrant: Registrant, event: HistoryEvent, turn: Turn) -> None:
        s, r = self._store, registrant
        key, sequence = (r.tenant_id, r.qualification_pseudonym_id), (r.tenant_id, r.qualification)

        def check() -> Exception | None:
            state = s.sequences.get(sequence, SequenceState(last=0, turn=0))
            # Only in this ticket's turn, and only the number after the last: no gaps, no duplicates.
            in_turn = state.turn == turn.ticket - 1 and state.last == r.registration_number - 1
            taken = key in s.snapshots or event.version in s.events.get(key, {})
            return SequenceContention() if not in_turn or taken else None

        def apply() -> None:
            state = s.sequences.get(sequence, SequenceState(last=0, turn=0))
            s.sequences[sequence] = SequenceState(r.registration_number, turn.ticket, state.abandoned)
            s.snapshots[key] = r
            s.events.setdefault(key, {})[event.version] = event

        self._items.append((check, apply))

    def update(self, registrant: Registrant, event: HistoryEvent) -> None:
        s, key = self._store, (registrant.tenant_id, registrant.qualification_pseudonym_id)

        def check() -> Exception | None:
            current = s.snapshots.get(key)
            if current is None or current.version != registrant.version - 1:
                return VersionConflict(current.version if current else 0)
            if event.version in s.events.get(key, {}):  # another writer recorded this version
                return VersionConflict(event.version)
            return None

        def apply() -> None:
            s.snapshots[key] = registrant
            s.events.setdefault(key, {})[event.version] = event

        self._items.append((check, apply))

    def claim_my_number(self, sealed: SealedMyNumber) -> None:
        s = self._store
        claim = (sealed.tenant_id, sealed.qualification, sealed.blind_index)
        holder = (sealed.tenant_id, sealed.qualification_pseudonym_id)

        def check() -> Exception | None:
            if claim in s.claims:
                return DuplicateMyNumber("another live registrant already holds this My Number")
            if holder in s.sealed:
                return DuplicateMyNumber("the vault already holds a My Number for this registrant")
            return None

        def apply() -> None:
            s.claims[claim] = sealed.qualification_pseudonym_id
            s.sealed[holder] = sealed

        self._items.append((check, apply))

    def release_my_number(self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str) -> None:
        s = self._store
        with s.lock:  # read before the transaction, as the adapter does
            sealed = s.sealed.get((tenant_id, qualification_pseudonym_id))
        if sealed is None:
            return
        claim = (tenant_id, qualification, sealed.blind_index)

        def check() -> Exception | None:
            owner = s.claims.get(claim)
            if owner is not None and owner != qualification_pseudonym_id:
                return DuplicateMyNumber("the My Number claim belongs to another registrant")
            return None

        def apply() -> None:
            s.claims.pop(claim, None)

        self._items.append((check, apply))

    def claim_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str, qualification_pseudonym_id: str) -> None:
        self._portal_claim(tenant_id, portal_pseudonym_id, qualification_pseudonym_id, released=False)

    def release_portal_pseudonym(
        self, tenant_id: str, portal_pseudonym_id: str, qualification_pseudonym_id: str
    ) -> None:
        self._portal_claim(tenant_id, portal_pseudonym_id, qualification_pseudonym_id, released=True)

    def _portal_claim(self, tenant_id: str, portal_pseudonym_id: str, owner: str, *, released: bool) -> None:
        s, key = self._store, (tenant_id, portal_pseudonym_id)

        def check() -> Exception | None:
            claim = s.portal_claims.get(key)
            # A claim may take a released one; a release only frees this registrant's own.
            free = claim is None or claim.owner == owner or (claim.released and not released)
            return None if free else PortalPseudonymInUse()

        def apply() -> None:
            s.portal_claims[key] = PortalClaim(owner, released)

        self._items.append((check, apply))

    def audit(self, record: AuditRecord) -> None:
        s = self._store

        def check() -> Exception | None:
            return ChainContention(record.chain) if position_taken(s, record) else None

        self._items.append((check, lambda: put_audit(s, record)))

    def emit(self, event: OutboxEvent) -> None:
        s = self._store

        def check() -> Exception | None:
            return EventIdTaken() if event.event_id in s.outbox else None

        def apply() -> None:
            s.outbox[event.event_id] = event

        self._items.append((check, apply))

    def commit(self) -> None:
        with self._store.lock:
            for check, _ in self._items:
                error = check()
                if error is not None:
                    raise error
            for _, apply in self._items:
                apply()
