"""The rows every benchmark returns, and the table printed at the end of a run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    figure: str
    measure: str
    value: str
    target: str = ""
    met: bool | None = None  # None: informative, no target

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")


def table(rows: Sequence[Row]) -> str:
    header = Row("figure", "measure", "value", "target")
    cells = [(r.figure, r.measure, r.value, r.target, r.verdict) for r in (header, *rows)]
    cells[0] = (*cells[0][:4], "verdict")
    widths = [max(len(c[i]) for c in cells) for i in range(5)]
    lines = []
    for n, c in enumerate(cells):
        lines.append(" | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)
