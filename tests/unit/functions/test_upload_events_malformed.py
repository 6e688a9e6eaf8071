"""Upload events: each record's key is read alone; a record without one is refused (fields named,
no values) and counted, and never stops the others."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahaki.intake.adapters.upload_events import uploaded_keys
from functions.attachment_received.handler import lambda_handler
from infra.sandbox.events import FakeLambdaContext
from tests.unit.functions.malformed_records import MARKER

keys = st.text(min_size=1, max_size=40).map(lambda k: f"applications/{k}")
malformed_record = st.one_of(
    st.just({"s3": {"bucket": {"name": MARKER}}}),
    st.just({"s3": {"object": {"key": 7}}, "x": MARKER}),
    st.just({"s3": MARKER}),
    st.just(MARKER),
    st.integers(),
    st.none(),
)
records = st.lists(st.one_of(keys.map(lambda k: (k, None)), malformed_record.map(lambda r: (None, r))), max_size=10)


def _record(key: str) -> dict[str, Any]:
    return {"eventSource": "aws:s3", "s3": {"bucket": {"name": "b"}, "object": {"key": quote_plus(key)}}}


@given(pairs=records)
def test_every_good_record_is_read_and_every_bad_one_refused(pairs: list[tuple[str | None, Any]]) -> None:
    event = {"Records": [_record(key) if key is not None else bad for key, bad in pairs]}
    found, refusals = uploaded_keys(event)
    assert found == [key for key, _ in pairs if key is not None]
    assert len(refusals) == sum(key is None for key, _ in pairs)
    assert all(MARKER not in str(r) and r.fields for r in refusals)


def test_an_object_created_event_without_a_key_is_refused() -> None:
    found, refusals = uploaded_keys({"source": "aws.s3", "detail": {"bucket": {"name": MARKER}}})
    assert found == []
    assert [r.fields for r in refusals] == [["detail.object"]]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.lists(malformed_record, min_size=1, max_size=5))
def test_the_handler_counts_refusals_instead_of_failing(bad: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    result = lambda_handler({"Records": bad}, FakeLambdaContext())  # type: ignore[arg-type]
    assert result == {"handled": 0, "refused": len(bad)}
    logged = capsys.readouterr().out
    assert MARKER not in logged
    assert logged.count('"malformed upload event"') == len(bad)
