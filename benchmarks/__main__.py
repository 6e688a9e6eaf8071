"""``python -m benchmarks`` (``make bench``): every figure, then one table of them all."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from benchmarks.figures import FIGURES, in_cheap_moto
from benchmarks.report import Row, table


def main() -> None:
    start = time.perf_counter()
    rows: list[Row] = []
    # Each figure in a fresh process: moto's state and memory from one never slow the next.
    spawn = multiprocessing.get_context("spawn")
    for figure in FIGURES:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            rows += pool.submit(in_cheap_moto, figure).result()
    _report(rows, start)


def _report(rows: list[Row], start: float) -> None:
    missed = [r for r in rows if r.met is False]
    print(f"\n== Figures (run took {time.perf_counter() - start:.0f} s; targets are printed, never asserted)\n")
    print(table(rows))
    print(
        f"\n{len(missed)} target(s) missed"
        + (": " + "; ".join(f"{r.figure} / {r.measure}" for r in missed) if missed else "")
    )


if __name__ == "__main__":
    main()
