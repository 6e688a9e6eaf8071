"""Each handler imports one context: an API function's the HTTP edge beside it, nothing else of
ahaki; a worker's (queue, schedule, stream) the kernel beside it.

The tables below restate, independently of http/routes.py, which context each function serves; a
handler that needs another context's things gets them through its own context (its api or
wiring), so a function's code and cold start stay its context's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ahaki.http.routes import WORKERS, Function

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
EDGE = "ahaki.http"
KERNEL = "ahaki.kernel"  # shared vocabulary a worker parses its messages with

CONTEXT_OF: dict[str, str] = {
    "registry_api": "registry",
    "my_number_reveal": "registry",
    "portal_api": "intake",
    "application_review": "intake",
    "sync_api": "residents",
    "resident_lookup": "residents",
    "staff_notices": "notifications",
    "portal_notifications": "notifications",
}
WORKER_CONTEXT_OF: dict[str, str] = {
    "outbox_relay": "notifications",
    "notifier": "notifications",
    "notice_fanout": "notifications",
    "sync_planner": "residents",
    "sync_worker": "residents",
    "attachment_received": "intake",
    "application_retention": "intake",
}


def ahaki_imports(source: str) -> list[str]:
    """Every ahaki module a source imports (``from ahaki import x`` counts as ``ahaki.x``)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "ahaki"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ahaki":
            if node.module == "ahaki":
                found += [f"ahaki.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
    return found


def foreign_imports(source: str, context: str, shared: str = EDGE) -> list[str]:
    """The ahaki modules a handler imports that are neither what it shares (the edge, or the
    kernel for a worker) nor its one context."""
    allowed = (shared, f"ahaki.{context}")
    return [m for m in ahaki_imports(source) if not any(m == a or m.startswith(a + ".") for a in allowed)]


def test_the_table_names_every_api_function() -> None:
    assert set(CONTEXT_OF) == {f.value for f in Function if f not in WORKERS}


@pytest.mark.parametrize("function", sorted(CONTEXT_OF))
def test_a_handler_imports_the_edge_and_its_one_context(function: str) -> None:
    source = (FUNCTIONS / function / "handler.py").read_text(encoding="utf-8")
    assert foreign_imports(source, CONTEXT_OF[function]) == []
    assert any(m.startswith(f"ahaki.{CONTEXT_OF[function]}") for m in ahaki_imports(source))


def test_the_worker_table_names_every_worker() -> None:
    assert set(WORKER_CONTEXT_OF) == {f.value for f in WORKERS}


@pytest.mark.parametrize("function", sorted(WORKER_CONTEXT_OF))
def test_a_worker_imports_the_kernel_and_its_one_context(function: str) -> None:
    source = (FUNCTIONS / function / "handler.py").read_text(encoding="utf-8")
    assert foreign_imports(source, WORKER_CONTEXT_OF[function], KERNEL) == []
    assert any(m.startswith(f"ahaki.{WORKER_CONTEXT_OF[function]}") for m in ahaki_imports(source))


def test_a_worker_reaching_into_a_second_context_or_the_edge_is_caught() -> None:
    source = (FUNCTIONS / "notifier" / "handler.py").read_text(encoding="utf-8")
    assert foreign_imports(source, "notifications", KERNEL) == []
    assert foreign_imports(
        source + "\nfrom ahaki.registry.wiring import ports\nfrom ahaki.http.resolver import logger\n",
        "notifications",
        KERNEL,
    ) == ["ahaki.registry.wiring", "ahaki.http.resolver"]


def test_a_second_context_or_the_kernel_is_caught() -> None:
    source = (FUNCTIONS / "sync_api" / "handler.py").read_text(encoding="utf-8")
    assert foreign_imports(source + "\nfrom ahaki.registry.wiring import ports\n", "residents") == [
        "ahaki.registry.wiring"
    ]
    assert foreign_imports("import ahaki.kernel.values\nfrom ahaki import intake\n", "residents") == [
        "ahaki.kernel.values",
        "ahaki.intake",
    ]
    assert foreign_imports("from ahaki.residents_extra import x\n", "residents") == ["ahaki.residents_extra"]
