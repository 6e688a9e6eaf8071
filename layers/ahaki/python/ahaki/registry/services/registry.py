"""Use cases of the register: one function per operation, each taking its ports as arguments.

Every access to personal data leaves an audit record: for a write, in the same transaction as the
change; for a read, before the data is returned (no audit record, no data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ahaki.kernel.audit import AuditEntry, ChainHead, Outcome, append
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import (
    Busy,
    DomainError,
    DuplicateMyNumber,
    NotFound,
    PortalPseudonymInUse,
    VersionConflict,
)
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.retry import RETRY_BUDGET_SECONDS, Contention, retrying
from ahaki.kernel.values import JST
from ahaki.kernel.vault import SealedMyNumber
from ahaki.registry.domain import lifecycle
from ahaki.registry.domain.commands import Registration, RegistrationDetails, SearchQuery
from ahaki.registry.domain.events import registrant_kind
from ahaki.registry.domain.history import Actor, HistoryEvent, make_event
from ahaki.registry.domain.office_holders import names_in_office
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import ErasureReason, Registrant
from ahaki.registry.services.numbering import in_turn
from ahaki.registry.services.portal_claims import move_portal_claim
from ahaki.registry.services.ports import Page, Ports, Turn, UnitOfWork

# Writes another use case adds to a register operation's transaction (an application's decision):
# called with the unit of work and the registrant as it will be, before the commit.
Also = Callable[[UnitOfWork, Registrant], None]


def registrant_chain(tenant_id: str, qualification_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#Q#{qualification_pseudonym_id}"


def register(ports: Ports, caller: Caller, command: Registration) -> Registrant:
    """Registers in the next free number. Writers wait for their turn (a ticket lock) instead of
    racing for the number, so each gets one unique, gapless number in the order they came."""
    tenant, qualification = caller.tenant_id, command.qualification
    qualification_pseudonym_id = ports.new_id()
    sealed = ports.vault.seal(tenant, qualification, qualification_pseudonym_id, command.my_number)
    return register_sealed(ports, caller, command, sealed)


def register_sealed(
    ports: Ports, caller: Caller, command: RegistrationDetails, sealed: SealedMyNumber, also: Also | None = None
) -> Registrant:
    """Registers under ``sealed.qualification_pseudonym_id`` with a My Number already sealed;
    ``also`` adds another use case's writes (an application's decision) to the same transaction."""
    tenant, qualification = caller.tenant_id, command.qualification
    # Items 24/25 staff left out: the names of the persons in office on the registration date.
    on = command.registered_on or ports.clock().astimezone(JST).date()
    given = {"minister_name": command.minister_name, "chair_name": command.chair_name}
    command = command.model_copy(update=names_in_office(ports.office_holders(tenant), on, given))

    def write(turn: Turn) -> Registrant:
        return _register_in_turn(ports, caller, command, sealed, turn, also)

    try:
        # The turn is passed on if the write is refused; waiting counts against the request's budget.
        return in_turn(ports.sequence, tenant, qualification, write, RETRY_BUDGET_SECONDS)
    except (DuplicateMyNumber, PortalPseudonymInUse):
        record_refusal(ports, caller, Operation.REGISTER.value, Outcome.REJECTED, None)
        raise


def _register_in_turn(
    ports: Ports,
    caller: Caller,
    command: RegistrationDetails,
    sealed: SealedMyNumber,
    turn: Turn,
    also: Also | None,
) -> Registrant:
    qualification_pseudonym_id = sealed.qualification_pseudonym_id
    registrant = lifecycle.register(
        command,
        tenant_id=caller.tenant_id,
        qualification_pseudonym_id=qualification_pseudonym_id,
        registration_number=turn.number,
        today=ports.clock().astimezone(JST).date(),
    )
    event = _event(ports, caller, None, registrant, Operation.REGISTER, None)
    # The id is new, so its audit chain starts here: no head to read.
    chain = ChainHead(chain=registrant_chain(caller.tenant_id, qualification_pseudonym_id))
    uow = ports.unit_of_work()
    uow.create(registrant, event, turn)
    uow.claim_my_number(sealed)
    if registrant.portal_pseudonym_id is not None:
        uow.claim_portal_pseudonym(caller.tenant_id, registrant.portal_pseudonym_id, qualification_pseudonym_id)
    uow.audit(append(chain, _write_entry(ports, caller, event)))
    uow.emit(registrant_event(registrant, event))
    if also is not None:
        also(uow, registrant)
    uow.commit()
    return registrant


Change = Callable[[Registrant, Any, Any], Registrant]
CHANGES: dict[Operation, Change] = {
    Operation.CORRECT: lifecycle.correct,
    Operation.REWRITE_CERTIFICATE: lifecycle.rewrite_certificate,
    Operation.REISSUE_CERTIFICATE: lifecycle.reissue_certificate,
    Operation.ERASE: lifecycle.erase,
    Operation.DISPOSE: lifecycle.dispose,
    Operation.RELICENSE: lifecycle.relicense,
    Operation.CHANGE_ADDRESS: lifecycle.change_address,
    Operation.ADOPT_NOTATION: lifecycle.adopt_notation,
}


def change(
    ports: Ports,
    caller: Caller,
    qualification_pseudonym_id: str,
    operation: Operation,
    command: BaseModel,
    expected_version: int | None,
    also: Also | None = None,
) -> Registrant:
    """Any lifecycle operation after registration. With ``expected_version`` a stale caller gets
    VersionConflict; without it, a lost race is retried on the fresh record (rules checked again)."""
    chain = registrant_chain(caller.tenant_id, qualification_pseudonym_id)

    def attempt() -> Registrant:
        before = ports.reader.get(caller.tenant_id, qualification_pseudonym_id)
        if before is None:
            raise NotFound("no such registrant")
        if expected_version is not None and before.version != expected_version:
            raise VersionConflict(before.version)
        after = CHANGES[operation](before, command, ports.clock().astimezone(JST).date())
        event = _event(ports, caller, before, after, operation, getattr(command, "reason", None))
        uow = ports.unit_of_work()
        uow.update(after, event)
        erased_for_good = (
            operation is Operation.ERASE and after.erasure and after.erasure.reason is not ErasureReason.REVOCATION
        )
        if erased_for_good:
            # Erased for good: the My Number may be registered again (re-licensing keeps the claim).
            uow.release_my_number(caller.tenant_id, after.qualification, qualification_pseudonym_id)
        move_portal_claim(uow, caller.tenant_id, before, None if erased_for_good else after.portal_pseudonym_id)
        uow.audit(append(ports.audit.head(chain), _write_entry(ports, caller, event)))
        uow.emit(registrant_event(after, event))
        if also is not None:
            also(uow, after)
        try:
            uow.commit()
        except VersionConflict:
            if expected_version is not None:
                raise
            raise Contention("lost a race; the rules are checked again on the fresh record") from None
        return after

    try:
        return retrying(attempt)
    except Busy:
        # Others kept changing this registrant for the whole budget: the caller must reload and
        # decide again, exactly as with a stale If-Match.
        current = ports.reader.get(caller.tenant_id, qualification_pseudonym_id)
        raise VersionConflict(current.version if current else 0) from None
    except NotFound:
        record_refusal(ports, caller, operation.value, Outcome.NOT_FOUND, None)
        raise
    except DomainError:
        audit_alone(
            ports,
            chain,
            audit_entry(ports, caller, operation.value, Outcome.REJECTED, subject=qualification_pseudonym_id),
        )
        raise


def get_registrant(ports: Ports, caller: Caller, qualification_pseudonym_id: str) -> Registrant:
    registrant = ports.reader.get(caller.tenant_id, qualification_pseudonym_id)
    _audit_read(ports, caller, "get_registrant", qualification_pseudonym_id, registrant is not None)
    if registrant is None:
        raise NotFound("no such registrant")
    return registrant


def get_history(ports: Ports, caller: Caller, qualification_pseudonym_id: str) -> list[HistoryEvent]:
    events = ports.reader.history(caller.tenant_id, qualification_pseudonym_id)
    _audit_read(ports, caller, "get_history", qualification_pseudonym_id, bool(events))
    if not events:
        raise NotFound("no such registrant")
    return events


def search(ports: Ports, caller: Caller, query: SearchQuery) -> Page:
    reader, tenant = ports.reader, caller.tenant_id
    if query.registration_number is not None:
        found = reader.by_registration_number(tenant, query.qualification, query.registration_number)
        page = Page([found] if found else [], None)
    elif query.name_kana is not None and query.birth_date is not None:
        page = Page(
            reader.by_kana_birth(tenant, query.qualification, query.name_kana, query.birth_date, query.limit), None
        )
    else:
        assert query.status is not None  # the query model guarantees one way to look
        page = reader.by_status(tenant, query.qualification, query.status, query.limit, query.cursor)
    ids = tuple(r.qualification_pseudonym_id for r in page.items)
    entry = audit_entry(
        ports, caller, "search_registrants", Outcome.ALLOWED, subjects=ids, detail={"by": _search_kind(query)}
    )
    audit_alone(ports, shard_chain(tenant, ports.audit_shards), entry)
    return page


def reveal_my_number(ports: Ports, caller: Caller, qualification_pseudonym_id: str, purpose: str) -> str:
    """The one way a My Number leaves the vault: audited with its purpose before decryption."""
    registrant = ports.reader.get(caller.tenant_id, qualification_pseudonym_id)
    if registrant is None:
        record_refusal(ports, caller, "reveal_my_number", Outcome.NOT_FOUND, None)
        raise NotFound("no such registrant")
    entry = audit_entry(
        ports,
        caller,
        "reveal_my_number",
        Outcome.ALLOWED,
        subject=qualification_pseudonym_id,
        detail={"purpose": purpose},
    )
    audit_alone(ports, registrant_chain(caller.tenant_id, qualification_pseudonym_id), entry)
    my_number = ports.vault.reveal(caller.tenant_id, qualification_pseudonym_id)
    if my_number is None:
        raise NotFound("the vault holds no My Number for this registrant")
    return my_number


def _search_kind(query: SearchQuery) -> str:
    if query.registration_number is not None:
        return "registration_number"
    return "name_kana_birth_date" if query.name_kana is not None else "status"


def _audit_read(ports: Ports, caller: Caller, action: str, qualification_pseudonym_id: str, found: bool) -> None:
    if found:
        entry = audit_entry(ports, caller, action, Outcome.ALLOWED, subject=qualification_pseudonym_id)
        audit_alone(ports, registrant_chain(caller.tenant_id, qualification_pseudonym_id), entry)
    else:
        record_refusal(ports, caller, action, Outcome.NOT_FOUND, None)


def _event(
    ports: Ports, caller: Caller, before: Registrant | None, after: Registrant, operation: Operation, reason: Any
) -> HistoryEvent:
    return make_event(
        before,
        after,
        event_id=ports.new_id(),
        operation=operation,
        actor=Actor(id=caller.actor_id, role=caller.role),
        occurred_at=ports.clock(),
        reason=reason if isinstance(reason, str) else (reason.value if reason is not None else None),
    )


def registrant_event(registrant: Registrant, event: HistoryEvent) -> OutboxEvent:
    """What other parts of the system hear of a register operation: ids and codes only."""
    return OutboxEvent(
        event_id=event.event_id,
        tenant_id=registrant.tenant_id,
        kind=registrant_kind(event.operation),
        occurred_at=event.occurred_at,
        subject_id=registrant.qualification_pseudonym_id,
        portal_pseudonym_id=registrant.portal_pseudonym_id,
        detail={
            "qualification": registrant.qualification.value,
            "version": registrant.version,
            "status": registrant.status.value,
            "certificate_serial": registrant.certificate_serial,
        },
    )


def _write_entry(ports: Ports, caller: Caller, event: HistoryEvent) -> AuditEntry:
    return audit_entry(
        ports,
        caller,
        event.operation.value,
        Outcome.ALLOWED,
        subject=event.qualification_pseudonym_id,
        detail={"items": event.changed_items(), "version": event.version, "event_id": event.event_id},
    )
