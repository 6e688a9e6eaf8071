"""The bounded contexts of the stack: each one a nested stack and one file here.

``contexts/<value>.py`` declares the context's infrastructure as ``CONTEXT`` (a ``ContextInfra``:
its functions, their grants and environment, its queues, rules, schedules and alarms). Adding a
context is adding its file and its line in ``Context``; the platform stack builds the rest.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from functools import cache

from ahaki.http.routes import Function
from infra.register_stack.contexts.base import ContextInfra, FunctionDeclaration


class Context(StrEnum):
    """In the order the contexts are built. A context's wiring may add statements to a shared
    resource's policy (the bus's dead-letter queue): a new context goes last, so that the
    templates of the others stay as they are."""

    REGISTRY = "registry"
    NOTIFICATIONS = "notifications"
    RESIDENTS = "residents"
    INTAKE = "intake"

    @property
    def stack_id(self) -> str:
        return f"{self.value.capitalize()}Stack"

    @property
    def infra(self) -> ContextInfra:
        return _declared(self)


@cache
def _declared(context: Context) -> ContextInfra:
    declared = getattr(importlib.import_module(f"{__name__}.{context.value}"), "CONTEXT", None)
    if not isinstance(declared, ContextInfra):
        raise TypeError(f"{__name__}.{context.value} declares no CONTEXT = ContextInfra(...)")
    return declared


def _gather() -> tuple[dict[Function, Context], dict[Function, FunctionDeclaration]]:
    context_of: dict[Function, Context] = {}
    declared: dict[Function, FunctionDeclaration] = {}
    for context in Context:
        for function, declaration in context.infra.functions.items():
            if function in context_of:
                raise ValueError(f"{function.value} is declared by {context_of[function]} and {context}")
            context_of[function] = context
            declared[function] = declaration
    missing = [f.value for f in Function if f not in declared]
    if missing:
        raise KeyError(f"no context declares the functions {missing}: add them to their context's file")
    # In the order of the Function enum, whatever the order of the contexts.
    return {f: context_of[f] for f in Function}, {f: declared[f] for f in Function}


CONTEXT_OF, DECLARED = _gather()
