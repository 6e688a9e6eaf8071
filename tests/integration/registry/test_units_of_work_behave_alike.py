"""The write ports' own rules, alike in memory and on moto: a unit of work commits all or nothing,
and each refused condition raises the error the DynamoDB adapters raise for it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from ahaki.kernel.audit import AuditEntry, ChainHead, Outcome, append
from ahaki.kernel.errors import PortalPseudonymInUse, VersionConflict
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.retry import ChainContention
from ahaki.kernel.values import Sex
from ahaki.registry.domain import lifecycle
from ahaki.registry.domain.commands import Registration
from ahaki.registry.domain.history import Actor, HistoryEvent, make_event
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services import registry
from ahaki.registry.services.ports import Ports, SequenceContention, Turn
from tests.data import registration
from tests.integration.registry.conftest import chain_records
from tests.integration.registry.test_ports_behave_alike import CALLER

ANMA = Qualification.ANMA_MASSAGE_SHIATSU
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _event(before: Registrant | None, after: Registrant, operation: Operation) -> HistoryEvent:
    actor = Actor(id="staff-1", role="registrar")
    return make_event(
        before, after, event_id=str(uuid.uuid4()), operation=operation, actor=actor, occurred_at=NOW, reason=None
    )


def _new(number: int) -> Registrant:
    command = Registration.model_validate(registration())
    return lifecycle.register(
        command,
        tenant_id="foundation",
        qualification_pseudonym_id=str(uuid.uuid4()),
        registration_number=number,
        today=date(2026, 12, 3),
    )


def _entry(action: str) -> AuditEntry:
    return AuditEntry(
        tenant_id="foundation",
        actor="staff-1",
        role="registrar",
        action=action,
        outcome=Outcome.ALLOWED,
        occurred_at=NOW,
        request_id="req-1",
    )


def _moved(before: Registrant, sex: Sex) -> tuple[Registrant, HistoryEvent]:
    after = before.model_copy(update={"sex": sex, "version": before.version + 1})
    return after, _event(before, after, Operation.CORRECT)


def test_an_update_whose_version_moved_is_refused(any_ports: Ports) -> None:
    before = registry.register(any_ports, CALLER, Registration.model_validate(registration()))
    first, second = any_ports.unit_of_work(), any_ports.unit_of_work()
    first.update(*_moved(before, Sex.MALE))
    second.update(*_moved(before, Sex.FEMALE))
    first.commit()
    with pytest.raises(VersionConflict) as moved:
        second.commit()
    assert moved.value.current_version == 2
    assert any_ports.reader.get("foundation", before.qualification_pseudonym_id) == _moved(before, Sex.MALE)[0]
    skipping = any_ports.unit_of_work()  # a version may only follow the one stored
    after = before.model_copy(update={"version": 4})
    skipping.update(after, _event(before, after, Operation.CORRECT))
    with pytest.raises(VersionConflict) as skipped:
        skipping.commit()
    assert skipped.value.current_version == 2
    missing = any_ports.unit_of_work()
    missing.update(*_moved(_new(9), Sex.MALE))
    with pytest.raises(VersionConflict) as none:
        missing.commit()
    assert none.value.current_version == 0


def test_a_unit_of_work_commits_all_or_nothing(any_ports: Ports) -> None:
    before = registry.register(any_ports, CALLER, Registration.model_validate(registration()))
    qid = before.qualification_pseudonym_id
    chain = registry.registrant_chain("foundation", qid)
    uow = any_ports.unit_of_work()
    uow.update(*_moved(before, Sex.MALE))
    uow.audit(append(ChainHead(chain=chain), _entry("correct")))  # position 1: the registration's own
    with pytest.raises(ChainContention):
        uow.commit()
    assert any_ports.reader.get("foundation", qid) == before
    assert [e.version for e in any_ports.reader.history("foundation", qid)] == [1]
    assert [r.action for r in chain_records(any_ports, chain)] == ["register"]


def test_an_audit_append_whose_head_moved_is_refused(any_ports: Ports) -> None:
    head = any_ports.audit.head("T#foundation#SHARD#00")
    any_ports.audit.append(append(head, _entry("search_registrants")))
    with pytest.raises(ChainContention):
        any_ports.audit.append(append(head, _entry("get_registrant")))
    moved = any_ports.audit.head("T#foundation#SHARD#00")
    assert moved.seq == 1 and moved.hash != head.hash


def test_a_create_out_of_turn_or_onto_a_taken_number_is_refused(any_ports: Ports) -> None:
    registry.register(any_ports, CALLER, Registration.model_validate(registration()))  # number 1, ticket 1
    ticket = any_ports.sequence.take_ticket("foundation", ANMA)
    for turn in (Turn(number=1, ticket=ticket), Turn(number=2, ticket=ticket + 1)):
        registrant = _new(turn.number)
        uow = any_ports.unit_of_work()
        uow.create(registrant, _event(None, registrant, Operation.REGISTER), turn)
        with pytest.raises(SequenceContention):
            uow.commit()
        assert any_ports.reader.get("foundation", registrant.qualification_pseudonym_id) is None
    state = any_ports.sequence.state("foundation", ANMA)
    assert (state.last, state.turn) == (1, 1)


def test_the_sequence_passes_a_turn_once_and_skips_abandoned_tickets(any_ports: Ports) -> None:
    sequence = any_ports.sequence
    assert [sequence.take_ticket("foundation", ANMA) for _ in range(3)] == [1, 2, 3]
    sequence.abandon("foundation", ANMA, 3)
    assert sequence.state("foundation", ANMA).abandoned == frozenset({3})
    sequence.pass_turn("foundation", ANMA, 0)
    sequence.pass_turn("foundation", ANMA, 0)  # the turn already moved: nothing happens
    assert sequence.state("foundation", ANMA).turn == 1
    sequence.pass_turn("foundation", ANMA, 1)
    sequence.pass_turn("foundation", ANMA, 2)
    state = sequence.state("foundation", ANMA)
    assert (state.last, state.turn, state.abandoned) == (0, 3, frozenset())


def test_a_portal_pseudonym_belongs_to_one_registrant_until_released(any_ports: Ports) -> None:
    who = f"pp-{uuid.uuid4().hex[:16]}"

    def claim(owner: str, *, release: bool = False) -> None:
        uow = any_ports.unit_of_work()
        if release:
            uow.release_portal_pseudonym("foundation", who, owner)
        else:
            uow.claim_portal_pseudonym("foundation", who, owner)
        uow.commit()

    claim("first")
    claim("first")  # already this registrant's
    assert any_ports.reader.portal_pseudonym_holder("foundation", who) == "first"
    with pytest.raises(PortalPseudonymInUse):
        claim("second")
    with pytest.raises(PortalPseudonymInUse):
        claim("second", release=True)  # only the holder may release it
    claim("first", release=True)
    assert any_ports.reader.portal_pseudonym_holder("foundation", who) is None
    claim("second")
    assert any_ports.reader.portal_pseudonym_holder("foundation", who) == "second"
