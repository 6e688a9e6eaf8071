"""The registry's ports twice: in memory (tests/fakes/registry.py) and the real adapters on moto."""

from __future__ import annotations

from typing import Protocol, cast

import pytest

from ahaki.kernel.audit import AuditRecord
from ahaki.registry import wiring
from ahaki.registry.services.ports import Ports
from tests.fakes.registry import in_memory_ports


class ChainReader(Protocol):
    def records(self, chain: str) -> list[AuditRecord]: ...


@pytest.fixture(params=["in_memory", "moto"])
def any_ports(request: pytest.FixtureRequest) -> Ports:
    """Each test using it runs on both: a scenario passing on one only is a drift of the fake."""
    if request.param == "in_memory":
        return in_memory_ports()
    request.getfixturevalue("aws")  # fresh tables and a fresh composition root
    return wiring.ports()


def chain_records(ports: Ports, chain: str) -> list[AuditRecord]:
    """A whole audit chain; both audit trails can list one (DynamoAuditTrail.records)."""
    return cast(ChainReader, ports.audit).records(chain)
