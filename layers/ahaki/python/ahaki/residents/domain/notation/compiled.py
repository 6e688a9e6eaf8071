"""The rules compiled for the sync's hot path: the same fold as applying them one by one
(``rules.fold``, the definition), in fewer steps.

- Adjacent rules that only translate characters become one ``str.translate`` table, searched for
  first (a character class in C is cheaper than a translate of every character).
- Each other rule runs only where its trigger is found (a search in C), as in ``rules.fold``.
- Adjacent rules whose triggers need one of a few characters (``Rule.chars``) are guarded by one
  search for any of those characters: a value holding none of them skips them all at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ahaki.residents.domain.notation.rules import Rules

Step = tuple[Callable[[str], str], re.Pattern[str] | None]
Table = Mapping[int, str | None]


def character_class(chars: str | frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]")


def merged(first: Table, then: Table) -> dict[int, str | None]:
    """One table doing ``first`` then ``then``."""
    return {c: chr(c).translate(first).translate(then) for c in {*first, *then}}


def _translating(table: Table, composes: bool) -> Step:
    def translated(value: str) -> str:
        out = value.translate(table)
        return out if out == value or not composes else unicodedata.normalize("NFC", out)

    return translated, character_class(frozenset(map(chr, table)))


def _guarded(run: list[tuple[Step, frozenset[str]]]) -> list[Step]:
    if len(run) < 2:
        return [step for step, _ in run]
    inner = tuple(step for step, _ in run)

    def block(value: str) -> str:
        for apply, trigger in inner:
            if trigger is None or trigger.search(value) is not None:
                value = apply(value)
        return value

    return [(block, character_class(frozenset().union(*(chars for _, chars in run))))]


def compile_steps(rules: Rules, off: frozenset[str]) -> tuple[Step, ...]:
    """The enabled rules as steps: runs of translating rules merged into one table, runs of
    rules with known characters guarded by one search."""
    steps: list[tuple[Step, frozenset[str] | None]] = []
    table: dict[int, str | None] | None = None
    composes = False
    for r in rules:
        if r.name in off:
            continue
        if r.table is not None:
            table = merged(table or {}, r.table)
            composes = composes or r.composes
            continue
        if table is not None:
            steps.append((_translating(table, composes), frozenset(map(chr, table))))
            table, composes = None, False
        steps.append(((r.apply, r.trigger), r.chars))
    if table is not None:
        steps.append((_translating(table, composes), frozenset(map(chr, table))))
    out: list[Step] = []
    run: list[tuple[Step, frozenset[str]]] = []
    for step, chars in steps:
        # A run is also cut where the triggers change kind: rules found by their characters alone
        # (a value rarely holds any: spaces, 大, ケ) are guarded apart from rules whose characters
        # are common (numerals, 番) but whose patterns are narrow, so the first guard still skips
        # its run for a value the second does not.
        if chars is None or (run and _by_chars(run[-1]) != _by_chars((step, chars))):
            out += _guarded(run)
            run = []
        if chars is None:
            out.append(step)
        else:
            run.append((step, chars))
    return tuple(out + _guarded(run))


def _by_chars(entry: tuple[Step, frozenset[str]]) -> bool:
    """Whether the step's trigger is exactly a search for its characters."""
    (_, trigger), chars = entry
    return trigger is not None and trigger.pattern == character_class(chars).pattern
