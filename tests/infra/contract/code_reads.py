"""What a function's code reads from its environment, found in the code itself.

Starting at ``functions/<name>/handler.py``, every module of ours it imports (transitively) is
parsed; each ``os.environ[X]``, ``os.environ.get(X, …)``, ``os.getenv(X)`` and the same through a
local alias (``env = os.environ``; a parameter typed as the environment) is a read. The name ``X``
is evaluated in the module's own namespace, so ``os.environ[INBOX_TABLE.env_var]`` reads
``INBOX_TABLE_NAME``. A subscript read is *required* (a KeyError without it); ``.get``/``getenv``
is *defaulted*. A settings model (a subclass of ``ahaki.kernel.settings.EnvironmentSettings``)
reads each variable its fields declare, its bases' fields included (their aliases: required
without a default), wherever live code names its class; the base's generic ``from_env`` stands for
those reads and is not parsed itself. A class statement naming a settings model as its base is not
a read of that model: the subclass reads the inherited fields when something names the subclass.
Of the modules a handler imports, the code that runs at import and every def that
live code names counts (by name, so a call through an alias or a method is never missed): an
over-approximation of what one function can run, never an under-approximation.
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
SETTINGS_MODULE = "ahaki.kernel.settings"  # its EnvironmentSettings.from_env reads what subclasses declare


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


def _reads_in(nodes: list[ast.AST], name: str, aliases: set[str], module: ModuleType) -> list[Read]:
    found: list[Read] = []
    for node in (n for top in nodes for n in ast.walk(top)):
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


def _settings_base() -> type:
    base: type = importlib.import_module(SETTINGS_MODULE).EnvironmentSettings
    return base


def _declared_reads(node: ast.ClassDef, name: str, module: ModuleType) -> list[Read]:
    """The variables a settings model's fields name, inherited ones included (pydantic's
    ``model_fields`` holds the bases' fields; ``from_env`` reads them all); none if the class is
    not a settings model."""
    cls = getattr(module, node.name, None)
    if not isinstance(cls, type) or not issubclass(cls, _settings_base()):
        return []
    fields = cls.model_fields.values()  # type: ignore[attr-defined]
    return [Read(f.alias, f.is_required(), name, node.lineno) for f in fields if f.alias]


def _settings_classes(tree: ast.Module, module: ModuleType) -> list[ast.ClassDef]:
    return [n for n in tree.body if isinstance(n, ast.ClassDef) and _declared_reads(n, "", module)]


def _parsed(name: str) -> tuple[ast.Module, set[str], ModuleType]:
    path = _module_path(name)
    assert path is not None, name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tree, _aliases(tree), importlib.import_module(name)


def reads_of_module(name: str) -> list[Read]:
    """Every read in the module, wherever it is."""
    tree, aliases, module = _parsed(name)
    declared = [read for node in _settings_classes(tree, module) for read in _declared_reads(node, name, module)]
    return _reads_in(_without_generic_reader(name, [tree]), name, aliases, module) + declared


def _without_generic_reader(name: str, nodes: list[ast.AST]) -> list[ast.AST]:
    """The settings base reads by a field's alias, not by a constant: its subclasses declare what."""
    if name != SETTINGS_MODULE:
        return nodes
    tree = nodes[0]
    assert isinstance(tree, ast.Module)
    return [n for n in tree.body if not (isinstance(n, ast.ClassDef) and n.name == "EnvironmentSettings")]


Def = ast.FunctionDef | ast.AsyncFunctionDef


def _split(tree: ast.Module) -> tuple[list[ast.AST], list[Def]]:
    """Code that runs at import (module and class bodies, decorators, bases, defaults), and the
    defs (top-level functions and methods) that run only when something calls them."""
    at_import: list[ast.AST] = []
    defs: list[Def] = []
    for statement in tree.body:
        bodies = statement.body if isinstance(statement, ast.ClassDef) else [statement]
        if isinstance(statement, ast.ClassDef):
            at_import += [*statement.decorator_list, *statement.bases]
        for node in bodies:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defs.append(node)
                defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
                at_import += [*node.decorator_list, *defaults]
            else:
                at_import.append(node)
    return at_import, defs


def _names(nodes: list[ast.AST], skip: frozenset[int] = frozenset()) -> set[str]:
    """Every name and attribute the code names, leaving out the nodes in ``skip`` (by ``id``)."""
    found: set[str] = set()
    todo = [node for node in nodes if id(node) not in skip]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        todo += [child for child in ast.iter_child_nodes(node) if id(child) not in skip]
    return found


def _class_bases(trees: list[ast.Module]) -> frozenset[int]:
    """The base expressions of every class statement in the modules (by ``id``): naming a settings
    model as a base reads nothing; naming the subclass does, and its fields hold the base's."""
    return frozenset(
        id(base) for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef) for base in node.bases
    )


# Decorators that only wrap a def: it still runs when code names it. Any other decorator (a
# validator, a route, a handler wrapper) hands the def to a framework that calls it unnamed.
_WRAPPERS = frozenset(
    {"cache", "lru_cache", "cached_property", "property", "staticmethod", "classmethod", "wraps", "component"}
)


def _called_by_a_framework(node: Def) -> bool:
    if node.name.startswith("__") and node.name.endswith("__"):
        return True  # __init__, __call__, __iter__ …: Python calls them
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name not in _WRAPPERS:
            return True
    return False


def reads_of_function(function: str) -> list[Read]:
    """Reads in the code a function can run (``live_code``), and those its settings models declare."""
    parsed = {name: _parsed(name) for name in reachable_modules(f"functions.{function}.handler")}
    live, settings = _live_and_settings(function)
    found = [read for name, nodes in live for read in _reads_in(nodes, name, *parsed[name][1:])]
    return found + [read for name, node in settings for read in _declared_reads(node, name, parsed[name][2])]


def live_code(function: str) -> list[tuple[str, list[ast.AST]]]:
    """The code a function can run, per module (see ``_live_and_settings``)."""
    return _live_and_settings(function)[0]


def _live_and_settings(function: str) -> tuple[list[tuple[str, list[ast.AST]]], list[tuple[str, ast.ClassDef]]]:
    """The code a function can run, per module: everything its modules run at import, every def
    of its handler module (the route table binds them by name), every def a framework calls
    (dunder methods, validators, decorated callbacks), and every def of ours that live code names
    (by its name: generous, never missing a call through an alias or a method); and the settings
    models live code names (not as a class statement's base)."""
    handler = f"functions.{function}.handler"
    parsed = {name: _parsed(name) for name in reachable_modules(handler)}
    live: list[tuple[str, list[ast.AST]]] = []
    pending: list[tuple[str, Def]] = []
    declared: list[tuple[str, ast.ClassDef]] = []
    for name, (tree, _, module) in parsed.items():
        at_import, defs = _split(tree)
        live.append((name, at_import))
        declared += [(name, node) for node in _settings_classes(tree, module)]
        for node in defs:
            if name == SETTINGS_MODULE and node.name == "from_env":
                continue  # the generic reader: the settings classes named below are its reads
            if name == handler or _called_by_a_framework(node):
                live.append((name, [node]))
            else:
                pending.append((name, node))
    # A def named anywhere may run (a base expression may call one); a settings model is read
    # only where code names it other than as the base of a class statement.
    bases = _class_bases([tree for tree, _, _ in parsed.values()])
    code = [n for _, nodes in live for n in nodes]
    named, models_named = _names(code), _names(code, bases)
    settings: list[tuple[str, ast.ClassDef]] = []
    while True:
        woken_defs = [(name, node) for name, node in pending if node.name in named]
        woken_settings = [(name, node) for name, node in declared if node.name in models_named]
        if not woken_defs and not woken_settings:
            break
        pending = [item for item in pending if item not in woken_defs]
        declared = [item for item in declared if item not in woken_settings]
        live += [(name, [node]) for name, node in woken_defs]
        settings += woken_settings
        woken: list[ast.AST] = [node for _, node in [*woken_defs, *woken_settings]]
        named |= _names(woken)
        models_named |= _names(woken, bases)
    return live, settings
