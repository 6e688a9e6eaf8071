"""A request that succeeds gets a status the OpenAPI document declares for its operation.

Schemathesis rarely reaches success for operations whose body must name something that exists
(a registrant to look up, a registrant to correct), so these are called here with real ids.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ahaki.http.routes import Role
from tests.data import registration
from tests.integration.conftest import Api


@cache
def _declared() -> dict[str, set[str]]:
    from infra.openapi import openapi_document

    paths = openapi_document()["paths"]
    return {op["operationId"]: set(op["responses"]) for methods in paths.values() for op in methods.values()}


def _assert_declared(operation: str, status: int, body: Any) -> None:
    assert status < 300, body
    assert str(status) in _declared()[operation], (operation, status, sorted(_declared()[operation]))


def test_successes_are_declared(api: Api) -> None:
    registered = api.call("register", body=registration())
    _assert_declared("register", registered.status, registered.body)
    qid = registered.body["qualification_pseudonym_id"]
    lookup = api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "本人確認"})
    _assert_declared("resident_lookup", lookup.status, lookup.body)
    run = api.call("start_sync_run", body={}, role=Role.OPERATOR)
    _assert_declared("start_sync_run", run.status, run.body)
    corrected = api.call("correct", qid, {"sex": "male", "reason": "誤記"}, headers={"If-Match": '"1"'})
    _assert_declared("correct", corrected.status, corrected.body)
