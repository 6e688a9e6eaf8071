"""Every error the layer raises on purpose has its status declared in one table."""

from __future__ import annotations

import importlib
import pkgutil
from http import HTTPStatus

import ahaki
from ahaki.http.problems import STATUS_OF, from_domain
from ahaki.kernel.errors import DomainError


def _every_subclass(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _every_subclass(sub)
    return found


def test_every_domain_error_in_the_layer_has_a_declared_status() -> None:
    for module in pkgutil.walk_packages(ahaki.__path__, "ahaki."):
        importlib.import_module(module.name)
    errors = {cls for cls in _every_subclass(DomainError) if cls.__module__.startswith("ahaki.")}
    assert len(errors) >= 14  # the kernel's, the HTTP edge's and idempotency's
    undeclared = sorted(cls.__qualname__ for cls in errors if cls not in STATUS_OF)
    assert not undeclared, f"errors without a declared status: {undeclared}"


def test_idempotency_errors_map_without_importing_the_idempotency_module() -> None:
    """The status comes from the declared table, not from a module that happened to be imported."""
    from ahaki.http.problems import KeyReused, StillInProgress

    assert from_domain(KeyReused("x")).status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert from_domain(StillInProgress("x")).status_code == HTTPStatus.CONFLICT
