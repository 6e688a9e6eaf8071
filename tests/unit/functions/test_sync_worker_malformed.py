"""The sync worker refuses malformed messages record by record: the others of the batch still run,
and the refusal is logged by field names, never by the values."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.sync_worker.handler import lambda_handler
from infra.sandbox.events import FakeLambdaContext
from tests.unit.functions.malformed_records import MARKER, batch, json_not_object, not_json, sqs_record

# Well formed and needing no AWS: a notification of nothing, or of an object outside inbound/.
good = st.sampled_from(
    [
        json.dumps({"Records": []}),
        json.dumps({}),
        json.dumps({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "outbound/x"}}}]}),
    ]
)
build = {"kind": "build", "tenant_id": "t", "run_id": "r", "chunk_no": 1, "qualification": "anma_massage_shiatsu"}
bad_build = st.sampled_from(
    [
        {**build, "status": "registered", "chunk_no": MARKER},
        {**build, "status": MARKER},
        {k: v for k, v in {**build, "status": "registered"}.items() if k != "run_id"} | {"x": MARKER},
    ]
).map(json.dumps)
bad_notification = st.sampled_from(
    [
        {"Records": [{"s3": {}}], "x": MARKER},
        {"Records": [{"s3": {"object": {"key": 1}}}], "x": MARKER},
        {"Records": MARKER},
    ]
).map(json.dumps)
malformed = st.one_of(not_json, json_not_object, bad_build, bad_notification)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=batch(good, malformed))
def test_only_the_malformed_records_fail(pairs: list[tuple[bool, str]], capsys: pytest.CaptureFixture[str]) -> None:
    records = [sqs_record(f"m{n}", body) for n, (_, body) in enumerate(pairs)]
    result = lambda_handler({"Records": records}, FakeLambdaContext())  # type: ignore[arg-type]
    expected = [{"itemIdentifier": f"m{n}"} for n, (bad, _) in enumerate(pairs) if bad]
    assert result["batchItemFailures"] == expected
    logged = capsys.readouterr()
    assert MARKER not in logged.out + logged.err
    assert logged.out.count('"malformed message"') == len(expected)


def test_a_refusal_names_the_fields() -> None:
    body = json.dumps({**build, "status": "registered", "chunk_no": MARKER})
    good_one = json.dumps({"Records": []})
    records = [sqs_record("bad", body), sqs_record("good", good_one)]
    result = lambda_handler({"Records": records}, FakeLambdaContext())  # type: ignore[arg-type]
    assert result["batchItemFailures"] == [{"itemIdentifier": "bad"}]
