"""Registration numbers: unique and gapless under concurrency, and a dead or departed writer
never blocks the queue for long (the ticket lock of registry/services/numbering.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ahaki.kernel.caller import Caller
from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.commands import Registration
from ahaki.registry.services import numbering, registry
from ahaki.registry.wiring import ports
from tests.data import registration
from tests.integration.conftest import Api

CALLER = Caller("staff-1", "registrar", "foundation", "req-1")
ANMA = Qualification.ANMA_MASSAGE_SHIATSU


def _register() -> int:
    return registry.register(ports(), CALLER, Registration.model_validate(registration())).registration_number


def test_concurrent_registrations_get_unique_consecutive_numbers(api: Api) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        numbers = list(pool.map(lambda _: _register(), range(24)))
    assert sorted(numbers) == list(range(1, 25))


def test_a_refused_registration_passes_its_turn_without_a_number(api: Api) -> None:
    first = registration()
    assert api.call("register", body=first).status == 201
    again = registration(my_number=first["my_number"])
    assert api.call("register", body=again).status == 409
    assert api.register()["registration_number"] == 2


def test_a_caller_that_waits_too_long_gets_a_retryable_503(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbering, "TURN_LEASE_SECONDS", 60.0)
    monkeypatch.setattr(registry, "RETRY_BUDGET_SECONDS", 0.1)
    ports().sequence.take_ticket("foundation", ANMA)  # a holder that never finishes
    reply = api.call("register", body=registration())
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "1"
    assert api.items("VaultTable") == []
    assert ports().sequence.state("foundation", ANMA).abandoned == frozenset({2})
