"""The registration-number lock: take a turn, get the next number, write in the turn, pass it on.

Writers of one register queue on a ticket lock (registry/adapters/sequence.py) instead of racing
for the same number: each takes a ticket, waits until the ticket before it was served, then runs
its write with a ``Turn`` (the number it may take). The write commits the number with the record
in one transaction, which serves the ticket; a write that fails passes the turn on without taking
a number. So numbers are unique and gapless, and writers are served in the order they came. A
turn whose holder died is taken from it after ``TURN_LEASE_SECONDS``; a ticket given up before its
turn is skipped at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from ahaki.kernel.errors import Busy
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.retry import Contention
from ahaki.registry.services.ports import RegistrationSequence, Turn

TURN_LEASE_SECONDS = 5.0  # a registration holds its turn for a few calls; longer means its holder died
TURN_SECONDS = 0.02  # about how long one registration holds its turn

T = TypeVar("T")


def in_turn(
    sequence: RegistrationSequence,
    tenant: str,
    qualification: Qualification,
    write: Callable[[Turn], T],
    budget_seconds: float,
) -> T:
    """``write(turn)`` in this writer's turn; again on contention while the budget lasts.

    Any other error passes the turn on and is raised; Busy when the budget runs out."""
    deadline = time.monotonic() + budget_seconds
    ticket = sequence.take_ticket(tenant, qualification)
    waiting_on: tuple[int, float] = (-1, 0.0)  # (turn seen, since when): to spot a dead holder
    first_seen: tuple[int, float] | None = None  # to learn how fast turns pass right now
    while True:
        state = sequence.state(tenant, qualification)
        if state.turn >= ticket:  # our ticket was skipped as stalled: queue again
            ticket = sequence.take_ticket(tenant, qualification)
            continue
        if state.turn < ticket - 1:
            now = time.monotonic()
            if state.turn + 1 in state.abandoned:
                sequence.pass_turn(tenant, qualification, state.turn)
                continue
            if state.turn != waiting_on[0]:
                waiting_on = (state.turn, now)
            elif now - waiting_on[1] > TURN_LEASE_SECONDS:
                sequence.pass_turn(tenant, qualification, state.turn)  # its holder died
            if now > deadline:
                sequence.abandon(tenant, qualification, ticket)
                raise Busy
            first_seen = first_seen or (state.turn, now)
            passed = state.turn - first_seen[0]
            per_turn = (now - first_seen[1]) / passed if passed else TURN_SECONDS
            # Sleep about as long as the registrations ahead will take: waiters polling faster only
            # slow the one whose turn it is.
            ahead = ticket - 1 - state.turn
            time.sleep(min(max(per_turn, 0.005) * ahead, 1.0) * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
            continue
        try:
            return write(Turn(number=state.last + 1, ticket=ticket))
        except Contention:
            if time.monotonic() > deadline:  # conflicts all along our turn: let the next one go
                sequence.pass_turn(tenant, qualification, ticket - 1)
                raise Busy from None
            continue  # a conflict, or our turn was taken from us while we were slow: look again
        except BaseException:
            sequence.pass_turn(tenant, qualification, ticket - 1)
            raise
