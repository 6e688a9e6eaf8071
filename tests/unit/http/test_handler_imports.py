"""Each API function's handler imports the HTTP edge and one context, nothing else of ahaki.

The table below restates, independently of http/routes.py, which context each API function
serves; a handler that needs another context's things gets them through its own context (its
api or wiring), so a function's code and cold start stay its context's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ahaki.http.routes import WORKERS, Function

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
EDGE = "ahaki.http"

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


def foreign_imports(source: str, context: str) -> list[str]:
    """The ahaki modules a handler imports that are neither the edge nor its one context."""
    allowed = (EDGE, f"ahaki.{context}")
    return [m for m in ahaki_imports(source) if not any(m == a or m.startswith(a + ".") for a in allowed)]


def test_the_table_names_every_api_function() -> None:
    assert set(CONTEXT_OF) == {f.value for f in Function if f not in WORKERS}


@pytest.mark.parametrize("function", sorted(CONTEXT_OF))
def test_a_handler_imports_the_edge_and_its_one_context(function: str) -> None:
    source = (FUNCTIONS / function / "handler.py").read_text(encoding="utf-8")
    assert foreign_imports(source, CONTEXT_OF[function]) == []
    assert any(m.startswith(f"ahaki.{CONTEXT_OF[function]}") for m in ahaki_imports(source))


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
