"""The ticket lock's algorithm (registry/services/numbering.py) on the in-memory ports: a dead or
departed writer never blocks the queue for long. The sequence's own rules, which these rely on,
are held to the DynamoDB adapter in tests/integration/registry/test_units_of_work_behave_alike.py."""

from __future__ import annotations

import pytest

from ahaki.kernel.caller import Caller
from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.commands import Registration
from ahaki.registry.services import numbering, registry
from ahaki.registry.services.ports import Ports
from tests.data import registration
from tests.fakes.registry import in_memory_ports

CALLER = Caller("staff-1", "registrar", "foundation", "req-1")
ANMA = Qualification.ANMA_MASSAGE_SHIATSU


@pytest.fixture
def ports() -> Ports:
    return in_memory_ports()


def _register(ports: Ports) -> int:
    return registry.register(ports, CALLER, Registration.model_validate(registration())).registration_number


def test_a_ticket_whose_holder_died_is_skipped_after_the_lease(ports: Ports, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbering, "TURN_LEASE_SECONDS", 0.2)
    assert _register(ports) == 1
    ports.sequence.take_ticket("foundation", ANMA)  # a writer that dies before its turn ends
    assert _register(ports) == 2  # no gap: the dead ticket took no number
    assert ports.sequence.state("foundation", ANMA).turn == 3


def test_an_abandoned_ticket_is_skipped_at_once(ports: Ports, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbering, "TURN_LEASE_SECONDS", 60.0)
    assert _register(ports) == 1
    given_up = ports.sequence.take_ticket("foundation", ANMA)
    ports.sequence.abandon("foundation", ANMA, given_up)
    assert _register(ports) == 2
    assert ports.sequence.state("foundation", ANMA).abandoned == frozenset()
