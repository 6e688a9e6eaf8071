"""Each bounded context's infrastructure is one file under infra/register_stack/contexts/, found
through its line in ``Context``: a file nobody registered, or a function no context declares,
would silently leave a context or a function out of the stack."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from ahaki.http.routes import Function
from infra.register_stack import contexts
from infra.register_stack.contexts import CONTEXT_OF, DECLARED, Context
from infra.register_stack.contexts.base import ContextInfra
from infra.stack_sizes import is_context_stack

pytestmark = [pytest.mark.infra]


def _modules_declaring_a_context() -> set[str]:
    found = set()
    for module in pkgutil.iter_modules(contexts.__path__):
        declared = getattr(importlib.import_module(f"{contexts.__name__}.{module.name}"), "CONTEXT", None)
        if isinstance(declared, ContextInfra):
            found.add(module.name)
    return found


def test_every_context_file_is_registered_and_every_registered_context_has_its_file() -> None:
    assert _modules_declaring_a_context() == {context.value for context in Context}


def test_every_function_belongs_to_exactly_one_context() -> None:
    declared_by = {
        function: [context for context in Context if function in context.infra.functions] for function in Function
    }
    assert {f: found for f, found in declared_by.items() if len(found) != 1} == {}
    assert set(CONTEXT_OF) == set(DECLARED) == set(Function)


def test_the_size_report_counts_every_context_stack_and_only_those() -> None:
    def template(stack_id: str) -> str:
        return f"AhakiRegisterdev{stack_id}0123ABCD.nested.template.json"

    assert all(is_context_stack(template(context.stack_id)) for context in Context)
    assert not any(is_context_stack(template(shared)) for shared in ("ApiStack", "ApiStageStack", "MonitoringStack"))
    assert not is_context_stack("AhakiRegister-dev.template.json")
