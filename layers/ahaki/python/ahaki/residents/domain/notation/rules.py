"""Named folding rules and the equivalence they define: two values are the same when every
enabled rule, applied in order, folds them to the same string.

Each rule has a name (what staff see in a run's counts and may turn off per tenant). ``same(a,
b)`` is exactly ``fold(a) == fold(b)``, so the relation is reflexive, symmetric and transitive;
``why`` names the rules a difference was folded by (the counts by rule of a run).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    apply: Callable[[str], str]
    why: str  # one line for staff and the docs
    # Characters without which the rule leaves a value as it is (None: it may change any value),
    # as a character class. Only a shortcut: a value holding none of them skips the rule's call
    # (tests check the claim). A regex, not a set: a set test makes a string of every character.
    trigger: re.Pattern[str] | None = None

    def skips(self, a: str, b: str) -> bool:
        return self.trigger is not None and self.trigger.search(a) is None and self.trigger.search(b) is None


Rules = tuple[Rule, ...]


def rule(
    name: str,
    apply: Callable[[str], str],
    why: str,
    trigger: str | frozenset[str] | re.Pattern[str] | None = None,
    *,
    composes: bool = True,
) -> Rule:
    """A rule whose changed output is composed (NFC): removing or replacing a character must not
    leave a base and a combining mark that a second fold would compose (ッ + ゙ made large is ヅ).
    ``composes=False`` for rules whose output is composed already (NFKC) or that only put
    ideographs, digits or hyphens in place of other characters (nothing composes with those)."""

    def composed(value: str) -> str:
        out = apply(value)
        return out if out == value else unicodedata.normalize("NFC", out)

    if trigger is None or isinstance(trigger, re.Pattern):
        found = trigger  # a pattern: where the rule may apply, exactly (fewer calls than a character class)
    else:
        found = re.compile("[" + "".join(map(re.escape, sorted(trigger))) + "]")
    return Rule(name, composed if composes else apply, why, found)


def fold(value: str, rules: Rules, off: frozenset[str] = frozenset()) -> str:
    """The canonical form of ``value`` for comparison only; never stored."""
    for apply, trigger in enabled(rules, off):
        if trigger is None or trigger.search(value) is not None:
            value = apply(value)
    return value


Step = tuple[Callable[[str], str], re.Pattern[str] | None]
_ENABLED: dict[tuple[int, frozenset[str]], tuple[Rules, tuple[Step, ...]]] = {}


def enabled(rules: Rules, off: frozenset[str]) -> tuple[Step, ...]:
    """The enabled rules' functions and triggers, kept per rule set and ``off`` (by identity: a
    tuple of rules hashes every rule's fields each time, which the hot path cannot afford)."""
    key = (id(rules), off)
    found = _ENABLED.get(key)
    if found is None or found[0] is not rules:
        found = (rules, tuple((r.apply, r.trigger) for r in rules if r.name not in off))
        _ENABLED[key] = found
    return found[1]


def same(a: str, b: str, rules: Rules, off: frozenset[str] = frozenset()) -> bool:
    """Whether ``a`` and ``b`` are equal under the enabled rules: ``fold(a) == fold(b)``,
    stopping at the first rule after which they agree. (The sync's hot path: kept lean.)"""
    if a == b:
        return True
    for apply, trigger in enabled(rules, off):
        if trigger is None:
            a, b = apply(a), apply(b)
        else:  # each side only if it holds a trigger: the rule leaves the other as it is
            if trigger.search(a) is not None:
                a = apply(a)
            if trigger.search(b) is not None:
                b = apply(b)
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
        if rule.name in off or rule.skips(a, b):
            continue
        a2, b2 = rule.apply(a), rule.apply(b)
        if _differing(a2, b2) != _differing(a, b):
            used.append(rule.name)
        a, b = a2, b2
        if a == b:
            return tuple(used)
    return ()
