"""Any sequence of lifecycle operations, allowed or not, through the real handlers against moto:
the snapshot is always the fold of the history, the audit chain stays whole, a refused operation
changes nothing, and no request gives a 5xx.

The rules restated here (which status allows which operation) are the law's, written apart from
registry/domain/lifecycle.py so that a change there shows up as a failing example.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ahaki.kernel.audit import verify_chain
from ahaki.kernel.values import today_jst
from tests.integration.conftest import Api
from tests.integration.registry.test_lifecycle_api import audit_chain, snapshot_equals_fold

LIVE = {"registered", "suspended"}
TODAY = today_jst()


def _allowed(operation: str, body: dict[str, Any], current: dict[str, Any]) -> bool:
    status = current["status_today"]
    if operation in {"correct", "rewrite_certificate", "reissue_certificate"}:
        return status in LIVE
    if operation == "erase":
        return status == "revoked" if body["reason"] == "revocation" else status in LIVE | {"revoked"}
    if operation == "dispose":
        return status in LIVE if body["kind"] == "revocation" else status == "registered"
    if operation == "relicense":
        erasure = current.get("erasure") or {}
        return current["status"] == "revoked" or erasure.get("reason") == "revocation"
    raise AssertionError(operation)


def _period(offset: int, days: int) -> dict[str, str]:
    start = TODAY + timedelta(days=offset)
    return {"period_from": start.isoformat(), "period_to": (start + timedelta(days=days)).isoformat()}


steps = st.one_of(
    st.tuples(
        st.just("correct"), st.sampled_from([{"sex": "male", "reason": "誤記"}, {"sex": "female", "reason": "誤記"}])
    ),
    st.tuples(st.just("rewrite_certificate"), st.just({"reason": "氏名の変更"})),
    st.tuples(st.just("reissue_certificate"), st.sampled_from([{"reason": "torn"}, {"reason": "soiled"}])),
    st.tuples(
        st.just("erase"),
        st.sampled_from([{"reason": r} for r in ("on_request", "death", "disappearance", "revocation")]),
    ),
    st.tuples(
        st.just("dispose"),
        st.one_of(
            st.just({"kind": "revocation", "reason": "処分"}),
            st.builds(
                lambda kind, offset, days: {"kind": kind, "reason": "処分", **_period(offset, days)},
                st.sampled_from(["practice_suspension", "title_use_suspension"]),
                st.sampled_from([-40, -1, 0]),  # a period over already (registered today) or running
                st.integers(min_value=1, max_value=30),
            ),
        ),
    ),
    st.tuples(st.just("relicense"), st.just({"reason": "欠格事由の消滅"})),
)
# How the request names its version: none, the current one, or a stale or malformed one.
if_matches = st.sampled_from(["none", "current", "stale", "malformed"])


@settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(steps, if_matches), min_size=1, max_size=8))
@example(  # a second suspension while one runs; then a revocation, its erasure and re-licensing
    [
        (("dispose", {"kind": "practice_suspension", "reason": "処分", **_period(0, 10)}), "current"),
        (("dispose", {"kind": "title_use_suspension", "reason": "処分", **_period(-1, 10)}), "none"),
        (("dispose", {"kind": "revocation", "reason": "処分"}), "none"),
        (("correct", {"sex": "male", "reason": "誤記"}), "current"),
        (("erase", {"reason": "revocation"}), "current"),
        (("relicense", {"reason": "欠格事由の消滅"}), "none"),
        (("reissue_certificate", {"reason": "torn"}), "stale"),
    ]
)
@example(  # erased on death: nothing more is allowed, re-licensing included
    [
        (("erase", {"reason": "death"}), "none"),
        (("relicense", {"reason": "欠格事由の消滅"}), "none"),
        (("rewrite_certificate", {"reason": "氏名の変更"}), "malformed"),
        (("dispose", {"kind": "revocation", "reason": "処分"}), "current"),
    ]
)
def test_any_sequence_keeps_snapshot_fold_and_audit_chain(api: Api, sequence: list[Any]) -> None:
    current = api.register()
    qid = current["qualification_pseudonym_id"]
    current["status_today"] = "registered"
    for (operation, body), how in sequence:
        if operation == "correct" and how == "none":
            how = "current"  # a correction without If-Match is a 428: covered by the API tests
        headers = {
            "none": {},
            "current": {"If-Match": f'"{current["version"]}"'},
            "stale": {"If-Match": f'"{current["version"] - 1}"'},
            "malformed": {"If-Match": '"²"'},
        }[how]
        reply = api.call(operation, qid, body, headers=headers)
        assert reply.status < 500, (operation, reply.body)
        after = api.call("get_registrant", qid).body
        if how == "malformed":
            expected = 400
        elif how == "stale":
            expected = 409
        else:
            expected = 200 if _allowed(operation, body, current) else 409
        assert reply.status == expected, (operation, how, current["status_today"], reply.body)
        if expected == 200:
            assert after["version"] == current["version"] + 1
        else:
            assert after == current, "a refused operation changed the record"
        current = after
    assert snapshot_equals_fold(api, qid)
    records = audit_chain(api, qid)
    assert verify_chain(records) is None
    assert len(records) >= current["version"]  # every write is on the chain, reads and refusals too
