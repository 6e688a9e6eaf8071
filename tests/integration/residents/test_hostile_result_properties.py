"""Hostile result files through the worker's entry point against moto: for every mutation of an
honest answer, no exception escapes, counts reconcile, everyone is settled or named, and nothing
of a refused request or file reaches the register. One example of each class found, then random
ones (`make fuzz` runs many more)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings

from tests.hostile_files import REPEAT, Mutation, mutations
from tests.integration.conftest import Api
from tests.integration.hostile_support import check_worker, world


def test_the_worker_keeps_every_invariant_for_any_mutated_file(api: Api) -> None:
    state = world(api)  # once: every example is a new run over the same register

    @settings(max_examples=4 * REPEAT, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(drawn=mutations())
    @example(drawn=([Mutation("foreign", 0, 0)], False))  # another run's header
    @example(drawn=([Mutation("swap_field", 1, 2, 10)], False))  # resident codes swapped
    @example(drawn=([Mutation("duplicate", 2), Mutation("moved", 2, 0, 1)], True))  # contradicting rows
    @example(drawn=([Mutation("truncate", 200)], False))  # cut inside a row
    @example(drawn=([Mutation("reencode", 0)], False))  # Shift_JIS
    @example(drawn=([Mutation("moved", 4, 0, 1)], False))  # a valid move: applied
    @example(drawn=([Mutation("field", 1, 13, value="20230230")], True))  # an impossible date
    @example(drawn=([Mutation("swap_field", 0, 4, 12)], False))  # readings swapped: noted, not a finding
    @example(drawn=([Mutation("swap_field", 0, 4, 12), Mutation("duplicate", 0)], True))  # and a second header
    def each(drawn: tuple[list[Mutation], bool]) -> None:
        ops, retrail = drawn
        assert check_worker(state, ops, retrail) == ([], 0)

    each()
