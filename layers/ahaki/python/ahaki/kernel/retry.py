"""Running an attempt again when a concurrent writer got there first, within a time budget."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from typing import TypeVar

from ahaki.kernel.errors import Busy

# Inside the functions' 10 s timeout (infra/register_stack/contexts/base.py), which is inside API
# Gateway's 29 s: a caller that waited this long gets a retryable 503 rather than a timeout.
RETRY_BUDGET_SECONDS = 8.0
MAX_BACKOFF_SECONDS = 0.05  # short: a long sleep starves a loser while newcomers win
T = TypeVar("T")


class Contention(Exception):
    """A concurrent writer got there first; the whole attempt may be run again on fresh reads."""


class ChainContention(Contention):
    """Someone else appended to the same audit chain first: read its head again and retry."""


def retrying(attempt: Callable[[], T]) -> T:
    """Runs ``attempt`` again while a concurrent writer took the sequence or the chain head first.

    Backoff grows with full jitter; the budget is time, not a count, and stays well inside API
    Gateway's 29 s so a caller that waited long gets a retryable 503 rather than a timeout.
    """
    deadline = time.monotonic() + RETRY_BUDGET_SECONDS
    for n in itertools.count():
        try:
            return attempt()
        except Contention:
            if time.monotonic() >= deadline:
                break
            time.sleep(random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.002 * 2 ** min(n, 10))))  # noqa: S311 - jitter
    raise Busy


class EventIdTaken(Contention):
    """The outbox already holds an event with this id (a fresh id is drawn on the retry)."""


class TransactionConflict(Contention):
    """DynamoDB cancelled the transaction because another one held one of its items."""
