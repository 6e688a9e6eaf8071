"""POST /admin/sync-runs opens the run and hands its planning to the planner function: 202 at once."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ahaki.kernel.qualification import Qualification
from ahaki.residents.wiring import LambdaPlanner, ListQueue, sync_ports
from functions.sync_api import handler as sync_api
from functions.sync_planner import handler as sync_planner
from infra.sandbox.emulated_aws import REGION
from infra.sandbox.events import FakeLambdaContext
from tests.integration.conftest import Api

ANMA = Qualification.ANMA_MASSAGE_SHIATSU


class RecordingPlanner:
    def __init__(self) -> None:
        self.asked: list[tuple[str, Qualification, str]] = []

    def plan(self, tenant_id: str, qualification: Qualification, run_id: str) -> None:
        self.asked.append((tenant_id, qualification, run_id))


def test_the_request_answers_202_and_the_planner_plans_the_run(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        api.register()
    recording = RecordingPlanner()
    queue = ListQueue()
    handing = replace(sync_ports(), planner=recording, queue=queue)
    monkeypatch.setattr(sync_api, "sync_ports", lambda: handing)

    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    assert reply.status == 202, reply.body
    run_id = reply.body["run_id"]
    assert recording.asked == [("foundation", ANMA, run_id)]
    assert queue.messages == [] and reply.body["planning_done"] is False  # nothing planned in the request

    tenant, qualification, _ = recording.asked[0]
    event = {"tenant_id": tenant, "qualification": qualification.value, "run_id": run_id}
    monkeypatch.setattr(sync_planner, "sync_ports", lambda: handing)
    assert sync_planner.lambda_handler(event, FakeLambdaContext()) == {"run_id": run_id}  # type: ignore[arg-type]
    planned = api.call("get_sync_run", params={"run_id": run_id}, role="operator").body
    assert planned["planning_done"] is True and planned["counts"]["planned"] == 3
    assert len(queue.messages) == 1  # one chunk


def test_the_planner_is_invoked_asynchronously_with_the_run() -> None:
    client: Any = boto3.client("lambda", region_name=REGION)
    payload = {"tenant_id": "foundation", "qualification": ANMA.value, "run_id": "run-1"}
    with Stubber(client) as stub:
        stub.add_response(
            "invoke",
            {"StatusCode": 202},
            {"FunctionName": "planner-fn", "InvocationType": "Event", "Payload": json.dumps(payload)},
        )
        LambdaPlanner(client, "planner-fn").plan("foundation", ANMA, "run-1")
        stub.assert_no_pending_responses()
