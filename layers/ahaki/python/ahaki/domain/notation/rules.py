"""Named folding rules and the equivalence they define: two values are the same when every
enabled rule, applied in order, folds them to the same string.

Each rule has a name (what staff see in a run's counts and may turn off per tenant). ``same(a,
b)`` is exactly ``fold(a) == fold(b)``, so the relation is reflexive, symmetric and transitive;
``why`` names the rules a difference was folded by (the counts by rule of a run).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    apply: Callable[[str], str]
    why: str  # one line for staff and the docs


Rules = tuple[Rule, ...]


def rule(name: str, apply: Callable[[str], str], why: str) -> Rule:
    """A rule whose output is composed (NFC): removing or replacing a character must not leave a
    base and a combining mark that a second fold would compose (ッ + ゙ made large is ヅ)."""

    def composed(value: str) -> str:
        return unicodedata.normalize("NFC", apply(value))

    return Rule(name, composed, why)


def fold(value: str, rules: Rules, off: frozenset[str] = frozenset()) -> str:
    """The canonical form of ``value`` for comparison only; never stored."""
    for rule in rules:
        if rule.name not in off:
            value = rule.apply(value)
    return value


def same(a: str, b: str, rules: Rules, off: frozenset[str] = frozenset()) -> bool:
    """Whether ``a`` and ``b`` are equal under the enabled rules: ``fold(a) == fold(b)``,
    stopping at the first rule after which they agree."""
    if a == b:
        return True
    for rule in rules:
        if rule.name not in off:
            a, b = rule.apply(a), rule.apply(b)
            if a == b:
                return True
    return False


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _differing(a: str, b: str) -> tuple[str, str]:
    """The parts of ``a`` and ``b`` between their common prefix and common suffix."""
    start = _common(a, b)
    a, b = a[start:], b[start:]
    end = _common(a[::-1], b[::-1])
    return a[: len(a) - end], b[: len(b) - end]


def why(a: str, b: str, rules: Rules, off: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The rules that folded ``a`` and ``b`` into one (empty if identical or different): each
    enabled rule, in order until they agree, that changed the part where they differed. A rule
    that changed both alike elsewhere (NFKC on the separator of two names) is not why."""
    if a == b:
        return ()
    used: list[str] = []
    for rule in rules:
        if rule.name in off:
            continue
        a2, b2 = rule.apply(a), rule.apply(b)
        if _differing(a2, b2) != _differing(a, b):
            used.append(rule.name)
        a, b = a2, b2
        if a == b:
            return tuple(used)
    return ()
