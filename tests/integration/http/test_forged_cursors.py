"""A cursor comes back from the caller: whatever it holds, the answer is a page or a 422 naming
the cursor, never a 500 (the emulation refuses the start keys DynamoDB refuses,
infra/sandbox/faithful_keys.py). Generators forge cursors three ways: any text, any JSON encoded
as a cursor is, and start keys with the attributes a real cursor has and any values."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.registrant import Status
from ahaki.registry.keys import status_key
from ahaki.residents.adapters.sync_items import run_pk
from ahaki.residents.adapters.sync_items import status_key as finding_status_key
from ahaki.residents.domain.sync_records import FindingStatus
from tests.integration.conftest import Api, Reply

PSEUDONYM = "pp-0000-1111-2222"
TENANT = "foundation"
ATTRIBUTES = ("pk", "sk", "gsi_status", "gsi_status_sk", "gsi_fs", "gsi_fs_sk")


def _encoded(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_KEY_TEXT = st.sampled_from(["", "x" * 1025, "鍵" * 400, "0", "-1", "1e400", "abc"]) | st.text(max_size=40)
_ATTRIBUTE_VALUE = (
    st.builds(lambda t: {"S": t}, _KEY_TEXT)
    | st.builds(lambda t: {"N": t}, _KEY_TEXT)
    | st.builds(lambda t: {"B": t}, _KEY_TEXT)
    | _JSON
)


def _start_keys(fixed: dict[str, str]) -> st.SearchStrategy[str]:
    """A start key with some of a real cursor's attributes, the fixed ones right or forged."""
    attributes = st.dictionaries(st.sampled_from(ATTRIBUTES), _ATTRIBUTE_VALUE, max_size=5)
    right = st.just({name: {"S": value} for name, value in fixed.items()})
    return st.builds(lambda forged, kept: _encoded({**forged, **kept}), attributes, right | st.just({}))


def _cursors(fixed: dict[str, str]) -> st.SearchStrategy[str]:
    plain = st.text(max_size=80) | st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode())
    return plain | _JSON.map(_encoded) | _start_keys(fixed)


def _search(api: Api, cursor: str) -> Reply:
    return api.call("search_registrants", body={"status": "registered", "cursor": cursor})


def _inbox(api: Api, cursor: str) -> Reply:
    return api.call("list_notifications", portal=PSEUDONYM, query={"cursor": cursor})


def _findings(api: Api, cursor: str) -> Reply:
    return api.call("list_sync_findings", query={"cursor": cursor})


def _quarantine(api: Api, cursor: str) -> Reply:
    run_id = api.call("start_sync_run", body={}, role="operator", actor="ops-1").body["run_id"]
    return api.call("list_sync_quarantine", params={"run_id": run_id}, query={"cursor": cursor}, role="operator")


CASES: dict[str, tuple[Callable[[Api, str], Reply], dict[str, str]]] = {
    "search_registrants": (
        _search,
        {"gsi_status": status_key(TENANT, Qualification.ANMA_MASSAGE_SHIATSU, Status.REGISTERED)},
    ),
    "list_notifications": (_inbox, {}),
    "list_sync_findings": (_findings, {"gsi_fs": finding_status_key(TENANT, FindingStatus.OPEN)}),
    "list_sync_quarantine": (_quarantine, {"pk": run_pk(TENANT, "run")}),
}


@pytest.mark.parametrize("operation", list(CASES))
def test_a_forged_cursor_gets_a_page_or_a_problem_naming_it(api: Api, operation: str) -> None:
    call, fixed = CASES[operation]
    api.register(portal_pseudonym_id=PSEUDONYM)

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(cursor=_cursors(fixed))
    def check(cursor: str) -> None:
        reply = call(api, cursor)
        assert reply.status < 500, reply.body
        if reply.status >= 400:
            assert reply.status == 422, reply.body
            assert "cursor" in json.dumps(reply.body.get("field", reply.body.get("errors"))), reply.body

    check()
