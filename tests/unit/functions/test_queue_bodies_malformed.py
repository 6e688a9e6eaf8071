"""Whatever arrives on the notification queues is an outbox event, a fan-out page, or refused as
MalformedMessage naming fields only: never another exception, never a value in the refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahaki.kernel.messages import MalformedMessage
from ahaki.kernel.outbox import OutboxEvent
from ahaki.notifications.adapters.envelopes import relayed_event
from ahaki.notifications.domain.notification import FanoutPage
from functions.notice_fanout.handler import step_of
from tests.unit.functions.malformed_records import MARKER, json_not_object, not_json

EVENT = {
    "event_id": "e1",
    "tenant_id": "foundation",
    "kind": "notice.requested",
    "occurred_at": "2026-12-03T00:00:00Z",
    "subject_id": "n1",
    "detail": {},
}
ENVELOPE = {
    "version": "0",
    "id": "i1",
    "detail-type": "notice.requested",
    "source": "ahaki.outbox",
    "account": "000000000000",
    "time": "2026-12-03T00:00:00Z",
    "region": "ap-northeast-1",
    "resources": [],
}


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key} | {"x": MARKER}


broken_event = st.sampled_from(sorted(EVENT)).map(lambda k: _without(EVENT, k))
broken_envelope = st.one_of(
    st.sampled_from([k for k in ENVELOPE if k != "detail-type"]).map(
        lambda k: _without({**ENVELOPE, "detail": EVENT}, k)
    ),
    broken_event.map(lambda e: {**ENVELOPE, "detail": e}),
    st.just({**ENVELOPE, "detail": None, "x": MARKER}),
    st.just({**ENVELOPE, "account": MARKER, "time": MARKER, "detail": EVENT}),
)
malformed = st.one_of(not_json, json_not_object, broken_event.map(json.dumps), broken_envelope.map(json.dumps))


@given(body=malformed)
def test_a_malformed_body_is_refused_without_its_values(body: str) -> None:
    for read in (relayed_event, step_of):
        with pytest.raises(MalformedMessage) as refused:
            read(body)
        assert MARKER not in str(refused.value)
        assert refused.value.fields
        # a traceback shows no pydantic or JSON error either: they quote the input
        assert refused.value.__cause__ is None
        assert refused.value.__context__ is None or refused.value.__suppress_context__


def test_the_notifier_reads_an_event_bare_or_in_its_envelope() -> None:
    for body in (json.dumps(EVENT), json.dumps({**ENVELOPE, "detail": EVENT})):
        assert relayed_event(body) == OutboxEvent.model_validate(EVENT)


def test_the_fanout_reads_the_event_in_its_envelope_or_a_page() -> None:
    assert step_of(json.dumps({**ENVELOPE, "detail": EVENT})) == OutboxEvent.model_validate(EVENT)
    page = {"notice_id": "n1", "tenant_id": "foundation", "qualification": "anma_massage_shiatsu"}
    page["occurred_at"] = "2026-12-03T00:00:00Z"
    assert step_of(json.dumps(page)) == FanoutPage.model_validate(page)
