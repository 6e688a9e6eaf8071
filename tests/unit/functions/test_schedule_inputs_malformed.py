"""A schedule's malformed input is refused before anything is read or written: an error naming the
fields (Scheduler retries, then dead-letters), never the values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahaki.kernel.messages import MalformedMessage
from functions.application_retention.handler import lambda_handler as retention
from functions.sync_planner.handler import lambda_handler as planner
from infra.sandbox.events import FakeLambdaContext
from tests.unit.functions.malformed_records import MARKER

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
bad_planner = st.sampled_from(
    [
        {"qualification": MARKER},
        {"tenant_id": [MARKER]},
        {"run_id": {"x": MARKER}},
        {"scheduled_time": [MARKER]},
    ]
)
bad_retention = st.sampled_from(
    [
        {"tenant_ids": 5},
        {"tenant_ids": [1, {"x": MARKER}]},
        {"scheduled_time": MARKER},
        {"scheduled_time": "2026-13-45T99:00:00"},
    ]
)


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.one_of(bad_planner.map(lambda e: (planner, e)), bad_retention.map(lambda e: (retention, e))))
def test_a_malformed_input_is_refused_naming_fields(
    case: tuple[Handler, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, event = case
    with pytest.raises(MalformedMessage) as refused:
        handler(event, FakeLambdaContext())
    assert refused.value.fields
    logged = capsys.readouterr().out
    assert MARKER not in logged + str(refused.value)
    assert '"malformed schedule input"' in logged
