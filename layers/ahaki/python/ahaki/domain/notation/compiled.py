"""The rules compiled for the sync's hot path: the same fold as applying them one by one
(``rules.fold``, the definition), in fewer steps.

- Adjacent rules that only translate characters become one ``str.translate`` table, searched for
  first (a character class in C is cheaper than a translate of every character).
- Each other rule runs only where its trigger is found (a search in C), as in ``rules.fold``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ahaki.domain.notation.rules import Rules

Step = tuple[Callable[[str], str], re.Pattern[str] | None]
Table = Mapping[int, str | None]


def merged(first: Table, then: Table) -> dict[int, str | None]:
    """One table doing ``first`` then ``then``."""
    return {c: chr(c).translate(first).translate(then) for c in {*first, *then}}


def _translating(table: Table, composes: bool) -> Step:
    def translated(value: str) -> str:
        out = value.translate(table)
        return out if out == value or not composes else unicodedata.normalize("NFC", out)

    keys = "".join(map(re.escape, sorted(map(chr, table))))
    return translated, re.compile(f"[{keys}]")


def compile_steps(rules: Rules, off: frozenset[str]) -> tuple[Step, ...]:
    """The enabled rules as steps, each run of translating rules merged into one table."""
    steps: list[Step] = []
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
            steps.append(_translating(table, composes))
            table, composes = None, False
        steps.append((r.apply, r.trigger))
    if table is not None:
        steps.append(_translating(table, composes))
    return tuple(steps)
