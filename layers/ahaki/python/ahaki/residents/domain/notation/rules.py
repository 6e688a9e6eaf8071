"""Named folding rules and the equivalence they define: two values are the same when every
enabled rule, applied in order, folds them to the same string.

Each rule has a name (what staff see in a run's counts and may turn off per tenant). ``same(a,
b)`` is exactly ``fold(a) == fold(b)``, so the relation is reflexive, symmetric and transitive;
``why`` names the rules a difference was folded by (the counts by rule of a run).

``fold`` applies the rules one by one: it is the definition. ``same`` (the sync's hot path) folds
by a compiled form of the same rules: adjacent rules that only translate characters become one
``str.translate`` table, and folds are memoised in a bounded cache (surnames and town names
repeat). Property tests hold the two to the same result; docs/adr/0180 says why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ahaki.residents.domain.notation.compiled import character_class, compile_steps


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    apply: Callable[[str], str]
    why: str  # one line for staff and the docs
    # Characters without which the rule leaves a value as it is (None: it may change any value),
    # as a character class. Only a shortcut: a value holding none of them skips the rule's call
    # (tests check the claim). A regex, not a set: a set test makes a string of every character.
    trigger: re.Pattern[str] | None = None
    # A rule that is exactly ``value.translate(table)`` (then NFC if it composes) says so: the
    # compiled fold merges adjacent tables into one translate.
    table: Mapping[int, str | None] | None = None
    composes: bool = True
    # Characters one of which every match of the trigger holds (None: not known). The compiled
    # fold guards a run of such rules by one search for any of their characters.
    chars: frozenset[str] | None = None

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
    table: Mapping[int, str | None] | None = None,
    chars: str | None = None,
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
        found = character_class(trigger)
        chars = chars or "".join(trigger)
    return Rule(name, composed if composes else apply, why, found, table, composes, frozenset(chars or ()) or None)


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


FOLD_CACHE_SIZE = 4096  # folds kept per equivalence (about 200 bytes each): repeated surnames, towns
Same = Callable[[str, str], bool]
Fold = Callable[[str], str]
_EQUIVALENCES: dict[tuple[int, frozenset[str]], tuple[Rules, Same, Fold]] = {}


def _equivalence(rules: Rules, off: frozenset[str]) -> tuple[Same, Fold]:
    steps = compile_steps(rules, off)

    @lru_cache(maxsize=FOLD_CACHE_SIZE)
    def folded(value: str) -> str:
        for apply, trigger in steps:
            if trigger is None or trigger.search(value) is not None:
                value = apply(value)
        return value

    def same(a: str, b: str) -> bool:
        """``b`` is folded first: when its fold is ``a`` itself, ``a`` needs no fold (the fold is
        idempotent, so fold(a) = fold(fold(b)) = fold(b)). The sync passes J-LIS's writing as
        ``b`` and the register's, most often canonical already, as ``a``."""
        if a == b:
            return True
        b = folded(b)
        return a == b or folded(a) == b

    return same, folded


def equivalence(rules: Rules, off: frozenset[str] = frozenset()) -> tuple[Same, Fold]:
    """``same`` and ``fold`` for the enabled rules, compiled once and memoised (a bounded cache
    of folds each): what the sync's hot path calls, once per row."""
    key = (id(rules), off)
    found = _EQUIVALENCES.get(key)
    if found is None or found[0] is not rules:  # first use (held: its id is not reused meanwhile)
        found = (rules, *_equivalence(rules, off))
        _EQUIVALENCES[key] = found
    return found[1], found[2]


def folded(value: str, rules: Rules, off: frozenset[str] = frozenset()) -> str:
    """``fold(value, rules, off)`` by the compiled rules, memoised (tests hold the two equal)."""
    return equivalence(rules, off)[1](value)


def same(a: str, b: str, rules: Rules, off: frozenset[str] = frozenset()) -> bool:
    """Whether ``a`` and ``b`` are equal under the enabled rules: ``fold(a) == fold(b)``."""
    return equivalence(rules, off)[0](a, b)


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
