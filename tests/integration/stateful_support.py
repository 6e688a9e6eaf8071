"""Running a hypothesis state machine whose steps call the API of one test's emulated AWS."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from tests.integration.conftest import Api


def run_on(api: Api, machine: type[RuleBasedStateMachine], *, examples: int, steps: int) -> None:
    """``machine(api)`` run as a test: hypothesis makes machines without arguments, so each is
    bound to this test's ``api`` (a fixture, reset between tests)."""

    def bound(self: RuleBasedStateMachine) -> None:
        machine.__init__(self, api)  # type: ignore[call-arg]

    run_state_machine_as_test(
        type(f"{machine.__name__}OnThisApi", (machine,), {"__init__": bound}),
        settings=settings(
            max_examples=examples, stateful_step_count=steps, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
