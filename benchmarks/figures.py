"""Every figure of ``make bench``, each a function returning its rows (run in its own process)."""

from __future__ import annotations

from collections.abc import Callable

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from benchmarks.cold_start import cold_start
from benchmarks.concurrency import concurrent_corrections, concurrent_registrations
from benchmarks.moto_rollback import cheap_transaction_rollback
from benchmarks.report import Row
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


def notation_figures() -> list[Row]:
    from benchmarks import sync_notation

    return _figures_of("13 sync notation", sync_notation.run())


def hostile_file_figures() -> list[Row]:
    from benchmarks import hostile_files

    return _figures_of("10 hostile result files", hostile_files.run())


def hostile_attachment_figures() -> list[Row]:
    from benchmarks import hostile_attachments

    return _figures_of("hostile attachments", hostile_attachments.run())


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
    notation_figures,
    hostile_file_figures,
    hostile_attachment_figures,
    notification_figures,
)


def in_cheap_moto(figure: Callable[[], list[Row]]) -> list[Row]:
    # moto copies whole tables for every transaction item; the cheap rollback keeps the figures'
    # time and memory about our code (benchmarks/moto_rollback.py).
    with cheap_transaction_rollback():
        return figure()
