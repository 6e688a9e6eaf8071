"""``python -m benchmarks`` (``make bench``): every figure, then one table of them all."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from benchmarks.cold_start import cold_start
from benchmarks.concurrency import concurrent_corrections, concurrent_registrations
from benchmarks.moto_rollback import cheap_transaction_rollback
from benchmarks.report import Row, table
from benchmarks.warm import warm_throughput


def _figures_of(title: str, pairs: list[tuple[str, str]]) -> list[Row]:
    """Figures of a later issue's module, printed as they come (each module states its targets)."""
    return [Row(title, measure, value) for measure, value in pairs]


def intake_figures() -> list[Row]:
    from benchmarks import intake

    return _figures_of("3 intake", intake.run())


def sync_figures() -> list[Row]:
    from benchmarks import sync

    return _figures_of("4 resident sync", sync.run())


def notification_figures() -> list[Row]:
    from benchmarks import notifications

    return _figures_of("5 notifications", notifications.run())


FIGURES: tuple[Callable[[], list[Row]], ...] = (
    # Cheap figures first; the contention figures take most of the run.
    cold_start,
    warm_throughput,
    concurrent_registrations,
    concurrent_corrections,
    intake_figures,
    sync_figures,
    notification_figures,
)


def _in_cheap_moto(figure: Callable[[], list[Row]]) -> list[Row]:
    # moto copies whole tables for every transaction item; the cheap rollback keeps the figures'
    # time and memory about our code (benchmarks/moto_rollback.py).
    with cheap_transaction_rollback():
        return figure()


def main() -> None:
    start = time.perf_counter()
    rows: list[Row] = []
    # Each figure in a fresh process: moto's state and memory from one never slow the next.
    spawn = multiprocessing.get_context("spawn")
    for figure in FIGURES:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            rows += pool.submit(_in_cheap_moto, figure).result()
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
