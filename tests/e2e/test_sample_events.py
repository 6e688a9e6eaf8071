"""events/: one current sample per route, and each replays through its real handler."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from ahaki.http.routes import ROUTES, Route
from infra.sandbox.sample_events import EVENTS_DIR, PLACEHOLDER_ID, drift, sample_path, write
from infra.sandbox.seed import random_my_number
from infra.sandbox.server import RunningSandbox
from tests.intake_data import upload

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("sandbox")]
BY_OPERATION = {route.operation_id: route for route in ROUTES}
# The sync's placeholder names no finding or run in a fresh sandbox; a run starts asynchronously.
STATUS = {
    "register": 201,
    "get_sync_finding": 404,
    "resolve_sync_finding": 404,
    "get_sync_run": 404,
    "list_sync_quarantine": 404,
    "start_sync_run": 202,
    "resident_lookup": 202,  # J-LIS answers later
    "get_resident_lookup": 404,  # the sample names no look-up
    "submit_application": 201,
    "send_notice": 202,
    # The mark-read sample names a placeholder notification: 404 shows it reached its handler.
    "mark_notification_read": 404,
    # The attachment sample names a placeholder attachment type (no rule's): 404 from its handler.
    "get_attachment": 404,
    # The sample pseudonym is no registrant in a fresh sandbox: 404 from the preferences handler.
    "get_notification_preferences": 404,
    "put_notification_preferences": 404,
    # No retention run has written a report in a fresh sandbox.
    "get_retention_report": 404,
}


def test_every_route_has_a_current_sample() -> None:
    assert drift() == [], "run `python -m infra.sandbox.sample_events --write`"
    assert all(sample_path(route).exists() for route in ROUTES)


def test_drift_reports_missing_stale_and_extra_files(tmp_path: Path) -> None:
    write(tmp_path)
    assert drift(tmp_path) == []
    sample_path(ROUTES[0], tmp_path).unlink()
    sample_path(ROUTES[1], tmp_path).write_text("{}\n")
    (tmp_path / ROUTES[2].function.value / "retired_operation.json").write_text("{}\n")
    assert [line.split(" ")[0] for line in drift(tmp_path)] == ["missing", "out", "no"]


def _load(operation_id: str, qualification_pseudonym_id: str | None = None) -> dict[str, Any]:
    text = sample_path(BY_OPERATION[operation_id], EVENTS_DIR).read_text(encoding="utf-8")
    if qualification_pseudonym_id is not None:
        text = text.replace(PLACEHOLDER_ID, qualification_pseudonym_id)
    event: dict[str, Any] = json.loads(text)
    return event


def _invoke(sandbox: RunningSandbox, route: Route, event: dict[str, Any]) -> dict[str, Any]:
    return sandbox.sandbox.invoke(route.function, event)


def _fresh_registrant(sandbox: RunningSandbox) -> str:
    event = _load("register")
    body = json.loads(event["body"])
    event["body"] = json.dumps({**body, "my_number": random_my_number(set())}, ensure_ascii=False)
    result = _invoke(sandbox, BY_OPERATION["register"], event)
    assert result["statusCode"] == 201, result["body"]
    qid: str = json.loads(result["body"])["qualification_pseudonym_id"]
    return qid


def _fresh_application(sandbox: RunningSandbox, *, received: bool) -> str:
    """Online intake: a new registration from the sample submission; ``received``: attachment and fee in."""
    event = _load("submit_application")
    body = json.loads(event["body"])
    body["application"]["my_number"] = random_my_number(set())
    event["body"] = json.dumps(body, ensure_ascii=False)
    event["headers"]["Idempotency-Key"] = f"replay-{uuid.uuid4()}"
    result = _invoke(sandbox, BY_OPERATION["submit_application"], event)
    assert result["statusCode"] == 201, result["body"]
    application_id: str = json.loads(result["body"])["application_id"]
    if received:
        upload(os.environ["ATTACHMENTS_BUCKET"], f"foundation/{application_id}/medical_certificate")
        paid = _load("record_payment", application_id)
        assert _invoke(sandbox, BY_OPERATION["record_payment"], paid)["statusCode"] == 200
    return application_id


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_sample_replays_through_its_handler(sandbox: RunningSandbox, route: Route) -> None:
    if route.operation_id == "submit_application":
        event = _load(route.operation_id)
        event["headers"]["Idempotency-Key"] = f"replay-{uuid.uuid4()}"
    elif route.operation_id == "list_my_applications":
        event = _load(route.operation_id)
    elif "{application_id}" in route.path:
        application_id = _fresh_application(sandbox, received=route.operation_id == "approve_application")
        event = _load(route.operation_id, application_id)
    elif route.operation_id == "register":
        event = _load("register")
    else:
        qid = _fresh_registrant(sandbox)
        if route.operation_id == "relicense":  # re-licensing follows a revocation
            revoke = _load("dispose", qid)
            revoke["body"] = json.dumps({"kind": "revocation", "reason": "免許取消処分"}, ensure_ascii=False)
            assert _invoke(sandbox, BY_OPERATION["dispose"], revoke)["statusCode"] == 200
        event = _load(route.operation_id, qid)
    result = _invoke(sandbox, route, event)
    assert result["statusCode"] < 500, result["body"]
    assert result["statusCode"] == STATUS.get(route.operation_id, 200), result["body"]
