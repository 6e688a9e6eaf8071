"""Named folding rules and the equivalence they define: two values are the same when every
enabled rule, applied in order, folds them to the same string.

Each rule has a name (what staff see in a run's counts and may turn off per tenant). ``same``
stops at the first rule after which the two agree and reports the rules that changed either
value on the way: that is "why" a difference was folded as notation. ``same(a, b)`` is exactly
``fold(a) == fold(b)``, so the relation is reflexive, symmetric and transitive.
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


def same(a: str, b: str, rules: Rules, off: frozenset[str] = frozenset()) -> tuple[bool, tuple[str, ...]]:
    """Whether ``a`` and ``b`` are equal under the enabled rules, and the rules that folded them
    (empty when they were identical to begin with)."""
    if a == b:
        return True, ()
    used: list[str] = []
    for rule in rules:
        if rule.name in off:
            continue
        a2, b2 = rule.apply(a), rule.apply(b)
        if a2 != a or b2 != b:
            used.append(rule.name)
            a, b = a2, b2
            if a == b:
                return True, tuple(used)
    return False, ()
