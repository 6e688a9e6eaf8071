"""The outbox relay refuses a stream record whose item is not an outbox event: that record is the
batch's failure (Lambda retries from it), logged by field names, never by the values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.outbox_relay.handler import lambda_handler
from infra.sandbox.events import FakeLambdaContext
from tests.unit.functions.malformed_records import MARKER, json_not_object, not_json


def stream_record(sequence: str, event_name: str, image: dict[str, Any] | None) -> dict[str, Any]:
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": 1_764_000_000.0,
        "Keys": {"pk": {"S": "EVENT#x"}},
        "SequenceNumber": sequence,
        "SizeBytes": 100,
        "StreamViewType": "NEW_IMAGE",
    }
    if image is not None:
        change["NewImage"] = image
    return {
        "eventID": sequence,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "ap-northeast-1",
        "eventSourceARN": "arn:aws:dynamodb:ap-northeast-1:000000000000:table/Outbox/stream/x",
        "dynamodb": change,
    }


# A TTL expiry needs no AWS: the relay skips it, successfully.
expiry = st.just(("REMOVE", None))
bad_bodies = st.one_of(
    not_json, json_not_object, st.just(json.dumps({"event_id": MARKER})), st.just(json.dumps({"kind": MARKER}))
)
malformed = st.one_of(
    st.just(("INSERT", None)),
    st.just(("INSERT", {"pk": {"S": MARKER}})),
    bad_bodies.map(lambda body: ("INSERT", {"body": {"S": body}})),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(
        st.one_of(expiry.map(lambda r: (False, r)), malformed.map(lambda r: (True, r))), min_size=1, max_size=10
    )
)
def test_only_the_malformed_records_fail(
    pairs: list[tuple[bool, tuple[str, dict[str, Any] | None]]], capsys: pytest.CaptureFixture[str]
) -> None:
    if all(bad for bad, _ in pairs):
        pairs = [*pairs, (False, ("REMOVE", None))]  # every record failed would be raised as a whole
    records = [stream_record(str(100 + n), name, image) for n, (_, (name, image)) in enumerate(pairs)]
    result = lambda_handler({"Records": records}, FakeLambdaContext())  # type: ignore[arg-type]
    assert result["batchItemFailures"] == [{"itemIdentifier": str(100 + n)} for n, (bad, _) in enumerate(pairs) if bad]
    logged = capsys.readouterr()
    assert MARKER not in logged.out + logged.err
    assert logged.out.count('"malformed stream record"') == sum(bad for bad, _ in pairs)
