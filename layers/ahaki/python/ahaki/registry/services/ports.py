"""The ports the use cases need. Adapters implement them; tests may swap them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from ahaki.kernel.ports import AuditTrail, Transaction
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.retry import Contention
from ahaki.kernel.values import NameKana
from ahaki.kernel.vault import SealedMyNumber, Vault
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.office_holders import OfficeHolders
from ahaki.registry.domain.registrant import Registrant, Status


@dataclass(frozen=True)
class Page:
    items: list[Registrant]
    cursor: str | None


class RegisterReader(Protocol):
    def get(self, tenant_id: str, qualification_pseudonym_id: str) -> Registrant | None: ...

    def history(self, tenant_id: str, qualification_pseudonym_id: str) -> list[HistoryEvent]: ...

    def by_registration_number(
        self, tenant_id: str, qualification: Qualification, registration_number: int
    ) -> Registrant | None: ...

    def by_kana_birth(
        self, tenant_id: str, qualification: Qualification, name_kana: NameKana, birth_date: date, limit: int
    ) -> list[Registrant]: ...

    def by_status(
        self, tenant_id: str, qualification: Qualification, status: Status, limit: int, cursor: str | None
    ) -> Page: ...

    def by_portal_pseudonym(self, tenant_id: str, portal_pseudonym_id: str) -> Registrant | None: ...

    def portal_pseudonym_holder(self, tenant_id: str, portal_pseudonym_id: str) -> str | None:
        """The registrant whose live claim holds the pseudonym, if any."""
        ...


@dataclass(frozen=True)
class SequenceState:
    last: int  # the last registration number assigned
    turn: int  # the last ticket served
    abandoned: frozenset[int] = frozenset()  # tickets given up before their turn


@dataclass(frozen=True)
class Turn:
    """A registration's turn to take the next number: the sequence's lock gives it, the unit of
    work takes it. Services read ``number``; the ticket is the lock's own (services/numbering.py)."""

    number: int  # the registration number this turn may take
    ticket: int = field(repr=False)


class RegistrationSequence(Protocol):
    """A ticket lock over the registration numbers of one register (registry/adapters/sequence.py);
    services/numbering.py is its one user."""

    def take_ticket(self, tenant_id: str, qualification: Qualification) -> int: ...

    def state(self, tenant_id: str, qualification: Qualification) -> SequenceState: ...

    def pass_turn(self, tenant_id: str, qualification: Qualification, served: int) -> None: ...

    def abandon(self, tenant_id: str, qualification: Qualification, ticket: int) -> None: ...


class UnitOfWork(Transaction, Protocol):
    """A register operation's writes, with its audit record and event, in one transaction."""

    def create(self, registrant: Registrant, event: HistoryEvent, turn: Turn) -> None:
        """The new registrant, taking its registration number (``turn.number``) in ``turn``."""
        ...

    def update(self, registrant: Registrant, event: HistoryEvent) -> None: ...

    def claim_my_number(self, sealed: SealedMyNumber) -> None: ...

    def release_my_number(
        self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str
    ) -> None: ...

    def claim_portal_pseudonym(
        self, tenant_id: str, portal_pseudonym_id: str, qualification_pseudonym_id: str
    ) -> None: ...

    def release_portal_pseudonym(
        self, tenant_id: str, portal_pseudonym_id: str, qualification_pseudonym_id: str
    ) -> None: ...


@dataclass(frozen=True)
class Ports:
    reader: RegisterReader
    sequence: RegistrationSequence
    vault: Vault
    audit: AuditTrail
    unit_of_work: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    audit_shards: int = 16
    # The tenant's table of office holders (items 24/25), as configured for the stage.
    office_holders: Callable[[str], OfficeHolders] = lambda _tenant: OfficeHolders()


class SequenceContention(Contention):
    """Someone else took the next registration number first: read it again and retry."""
