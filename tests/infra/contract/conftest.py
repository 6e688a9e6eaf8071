"""The contract suite reads the whole cloud assembly of the shared synthesis (every stack)."""

from __future__ import annotations

import pytest

from tests.infra.contract.assembly import Assembly
from tests.infra.template_tools import Synthesized


@pytest.fixture(scope="session")
def assembly(synthesized: Synthesized) -> Assembly:
    """Every template the shared synthesis wrote, however many stacks."""
    return Assembly(synthesized.outdir)
