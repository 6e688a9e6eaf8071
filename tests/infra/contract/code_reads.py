"""What a function's code reads from its environment, found in the code itself.

Starting at ``functions/<name>/handler.py``, every module of ours it imports (transitively) is
parsed; each ``os.environ[X]``, ``os.environ.get(X, …)``, ``os.getenv(X)`` and the same through a
local alias (``env = os.environ``; a parameter typed as the environment) is a read. The name ``X``
is evaluated in the module's own namespace, so ``os.environ[INBOX_TABLE.env_var]`` reads
``INBOX_TABLE_NAME``. A subscript read is *required* (a KeyError without it); ``.get``/``getenv``
is *defaulted*. The import graph over-approximates what one function reaches, never under.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
OUR_PACKAGES = ("ahaki", "functions")


@dataclass(frozen=True)
class Read:
    name: str
    required: bool
    module: str
    line: int


class Unresolved(Exception):
    """A read whose variable name is not a constant of its module: name it in the module."""


def _module_path(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:  # ``from package.module import name``: a name, not a module
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _imports(module: str, tree: ast.AST) -> set[str]:
    found: set[str] = set()
    package = module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # a submodule imported by name
    return {name for name in found if name.split(".")[0] in OUR_PACKAGES}


def reachable_modules(handler_module: str) -> list[str]:
    """Our modules a handler imports, directly or through others (the handler first)."""
    seen: list[str] = []
    todo = [handler_module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(name)
        if path is None:
            continue
        seen.append(name)
        todo.extend(sorted(_imports(name, ast.parse(path.read_text(encoding="utf-8")))))
    return seen


def _is_environ(node: ast.AST, aliases: set[str]) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name):
        return node.value.id == "os"
    return isinstance(node, ast.Name) and node.id in aliases


def _aliases(tree: ast.AST) -> set[str]:
    """Local names bound to the environment: ``env = os.environ`` or a parameter ``env`` typed as one."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_environ(node.value, set()):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if isinstance(node, ast.arg) and node.annotation is not None and "_Environ" in ast.unparse(node.annotation):
            names.add(node.arg)
    return names


def _evaluate(expression: ast.expr, module: ModuleType, where: str) -> str:
    try:
        value: Any = eval(compile(ast.Expression(expression), where, "eval"), vars(module))
    except Exception as error:
        raise Unresolved(f"{where}: {ast.unparse(expression)} is not a module constant ({error})") from None
    return str(value)


def reads_of_module(name: str) -> list[Read]:
    path = _module_path(name)
    assert path is not None, name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _aliases(tree)
    module = importlib.import_module(name)
    found: list[Read] = []
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value, aliases):
            found.append(Read(_evaluate(node.slice, module, where), True, name, node.lineno))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            getter = node.func.attr == "get" and _is_environ(node.func.value, aliases)
            getenv = node.func.attr == "getenv" and ast.unparse(node.func.value) == "os"
            setdefault = node.func.attr == "setdefault" and _is_environ(node.func.value, aliases)
            if getter or getenv or setdefault:
                found.append(Read(_evaluate(node.args[0], module, where), False, name, node.lineno))
    return found


def reads_of_function(function: str) -> list[Read]:
    return [read for module in reachable_modules(f"functions.{function}.handler") for read in reads_of_module(module)]
