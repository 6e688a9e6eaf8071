"""Schemathesis over every operation (positive and negative data) and the echo probe, bounded.

The same code runs deeper in ``make fuzz`` (benchmarks/http_fuzz.py), which prints the figures.
"""

from __future__ import annotations

import pytest

from benchmarks.http_fuzz import Figures, measure, report

EXAMPLES = 4  # per operation and generation mode: 280 cases, under a minute on the shared machine


@pytest.mark.slow
def test_no_input_gives_a_5xx_an_answer_outside_the_spec_or_an_echo() -> None:
    figures: Figures = measure(EXAMPLES)
    shown = report(figures, 0.0)
    assert figures.cases >= 2 * 30 and figures.probes >= 9 * 30, shown
    assert figures.server_errors == 0, shown
    assert figures.outside_spec == 0, shown
    assert figures.echoes == 0, shown
    assert {400, 415, 422}.issubset(figures.statuses), shown  # the refusals were reached, not only 401/404
