"""The composition root's one cache: what the wirings build, made once per execution environment.

Every context's ``wiring`` marks its builders ``@component``; a Lambda execution environment then
reads its settings and makes its clients once. Tests, the sandbox and the benchmarks start a new
emulated AWS within one process: they call ``reset()``, the one way to forget what was built.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import wraps
from typing import ParamSpec, TypeVar, cast

P = ParamSpec("P")
T = TypeVar("T")

_made: dict[tuple[Callable[..., object], tuple[Hashable, ...]], object] = {}


def component(factory: Callable[P, T]) -> Callable[P, T]:
    """``factory(*args)`` made once per execution environment and arguments (a component keyed by
    settings is made again when the settings differ)."""

    @wraps(factory)
    def made(*args: P.args, **kwargs: P.kwargs) -> T:
        key = (factory, (*args, *sorted(kwargs.items())))
        if key not in _made:
            _made[key] = factory(*args, **kwargs)
        return cast(T, _made[key])

    return made


def reset() -> None:
    """Forget every component: the next call reads the environment and makes its clients again."""
    _made.clear()
