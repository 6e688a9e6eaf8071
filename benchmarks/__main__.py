"""``python -m benchmarks`` (``make bench``): every figure, then one table of them all."""

from __future__ import annotations

import time

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


def main() -> None:
    start = time.perf_counter()
    rows: list[Row] = []
    # Cheap figures first; the contention figures take most of the run.
    # moto copies whole tables for every transaction item; the cheap rollback keeps the run's time
    # and memory about our code (benchmarks/moto_rollback.py).
    with cheap_transaction_rollback():
        rows = _all_figures()
    _report(rows, start)


def _all_figures() -> list[Row]:
    rows: list[Row] = []
    for figure in (
        cold_start,
        warm_throughput,
        concurrent_registrations,
        concurrent_corrections,
        intake_figures,
        sync_figures,
        notification_figures,
    ):
        rows += figure()
    return rows


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
