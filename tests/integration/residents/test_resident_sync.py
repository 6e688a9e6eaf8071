"""Resident-register sync against moto: look-ups, a scheduled run, findings and redelivery."""

from __future__ import annotations

import os
from typing import Any

import boto3

from ahaki.residents.adapters.jlis_fake import Scenario
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.wiring import ListQueue, fake_jlis, sync_ports
from functions.sync_worker.handler import handle
from infra.sandbox.emulated_aws import REGION
from tests.data import remember
from tests.integration.conftest import Api


def _register(api: Api, n: int) -> list[tuple[str, str]]:
    people = []
    for _ in range(n):
        body = api.register()
        qid = body["qualification_pseudonym_id"]
        people.append((qid, _my_number_of(api, qid)))
    return people


def _my_number_of(api: Api, qid: str) -> str:
    reply = api.call("reveal_my_number", qid, {"purpose": "テスト用の照会"})
    return str(reply.body["my_number"])


def _run(api: Api) -> str:
    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    assert reply.status == 202, reply.body
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    for message in list(queue.messages):
        handle(message)  # build: request file out, fake J-LIS answers into inbound/
        key = FileKey(message["tenant_id"], message["run_id"], message["chunk_no"])
        handle(_s3_event(key.of("inbound")))
    queue.messages.clear()
    return str(reply.body["run_id"])


def _s3_event(key: str) -> dict[str, Any]:
    return {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key}}}]}


def _remember_fake_values() -> None:
    for resident in fake_jlis()._by_number.values():
        remember({"address": {"line": resident.address}, "name": {"f": resident.name_kanji}})


def test_a_run_applies_addresses_and_opens_findings_exactly_once(api: Api) -> None:
    people = _register(api, 7)
    _run(api)  # first run: everyone unchanged; resident codes learned
    fake = fake_jlis()
    scenarios = [
        Scenario.MOVED,
        Scenario.RENAMED,
        Scenario.DECEASED,
        Scenario.REMOVED,
        Scenario.NOT_FOUND,
        Scenario.SEVERAL_MATCHES,
    ]
    for (_, number), scenario in zip(people, scenarios, strict=False):
        fake.dial(number, scenario)
    _remember_fake_values()
    run_id = _run(api)
    run = api.call("get_sync_run", params={"run_id": run_id}, role="operator").body
    counts = run["counts"]
    assert counts["planned"] == counts["requested"] == 7
    assert counts["received"] == 8  # the several-matches answer has two records
    assert (counts["unchanged"], counts["applied"], counts["findings"], counts["quarantined"]) == (1, 1, 6, 0)
    assert run["reconciles"] is True

    moved = api.call("get_history", people[0][0], role="viewer").body["events"][-1]
    assert moved["actor"] == {"id": "system:resident-sync", "role": "system"}
    assert moved["changes"].keys() == {"address"}

    findings = api.call("list_sync_findings", role="viewer", query={"status": "open"}).body["items"]
    kinds = sorted(f["kind"] for f in findings)
    assert kinds == ["deceased", "name_changed", "not_found", "removed", "several_matches"]
    assert all(f["erasure_candidate"] == (f["kind"] in {"deceased", "removed"}) for f in findings)

    # Redelivering every message of the run changes nothing.
    before = api.items("RegisterTable")
    for chunk in range(1, 2):
        handle(_s3_event(FileKey("foundation", run_id, chunk).of("inbound")))
    assert api.items("RegisterTable") == before
    again = api.call("get_sync_run", params={"run_id": run_id}, role="operator").body["counts"]
    assert again == counts


def test_resolving_findings_applies_the_register_operation_or_dismisses(api: Api) -> None:
    people = _register(api, 2)
    _run(api)
    fake_jlis().dial(people[0][1], Scenario.DECEASED)
    fake_jlis().dial(people[1][1], Scenario.RENAMED)
    _remember_fake_values()
    _run(api)
    findings = {f["kind"]: f for f in api.call("list_sync_findings", role="viewer").body["items"]}
    deceased = findings["deceased"]["finding_id"]
    reply = api.call(
        "resolve_sync_finding",
        params={"finding_id": deceased},
        body={"decision": "apply", "reason": "死亡の確認", "erasure": {"reason": "death"}},
    )
    assert reply.status == 200, reply.body
    assert reply.body["registrant"]["status"] == "erased"
    assert reply.body["finding"]["status"] == "resolved"
    again = api.call(
        "resolve_sync_finding", params={"finding_id": deceased}, body={"decision": "dismiss", "reason": "二重"}
    )
    assert again.status == 404
    renamed = findings["name_changed"]["finding_id"]
    wrong = api.call(
        "resolve_sync_finding",
        params={"finding_id": renamed},
        body={"decision": "apply", "reason": "x", "erasure": {"reason": "death"}},
    )
    assert wrong.status == 422
    dismissed = api.call(
        "resolve_sync_finding", params={"finding_id": renamed}, body={"decision": "dismiss", "reason": "本人確認済み"}
    )
    assert dismissed.body["finding"]["status"] == "dismissed"


def test_a_bad_result_file_is_quarantined_and_the_counts_reconcile(api: Api) -> None:
    people = _register(api, 3)
    _run(api)
    fake_jlis().dial(people[1][1], Scenario.MALFORMED)
    run_id = _run(api)
    counts = api.call("get_sync_run", params={"run_id": run_id}, role="auditor").body["counts"]
    assert (counts["received"], counts["quarantined"], counts["unanswered"]) == (3, 1, 1)
    assert counts["received"] == counts["unchanged"] + counts["applied"] + counts["findings"] + counts["quarantined"]


def test_on_demand_look_up_needs_a_purpose_is_audited_and_rate_limited(api: Api) -> None:
    qid = _register(api, 1)[0][0]
    assert api.call("resident_lookup", body={"qualification_pseudonym_id": qid}).status == 422
    assert (
        api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "x"}, role="viewer").status
        == 403
    )
    found = api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "本人確認"})
    assert found.status == 202, found.body  # J-LIS answers later; the fake at once
    assert found.body["answer"]["result_code"] == "00" and found.body["answer"]["changed_items"] == []
    assert found.body["answer"]["my_number_found"] == []
    sync_ports_limit = sync_ports().lookup_limit
    statuses = [
        api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "本人確認"}).status
        for _ in range(sync_ports_limit)
    ]
    assert statuses[-1] == 429 and statuses.count(202) == sync_ports_limit - 1
    report = api.call(
        "resident_query_report",
        role="auditor",
        query={"actor": "staff-1", "since": "2026-01-01", "until": "2026-12-31"},
    )
    assert report.status == 200, report.body
    lookups = [r for r in report.body["records"] if r["action"] == "resident_lookup" and r["outcome"] == "allowed"]
    assert len(lookups) == sync_ports_limit and lookups[0]["detail"]["purpose"] == "本人確認"
    assert (
        api.call(
            "resident_query_report",
            role="registrar",
            query={"actor": "a", "since": "2026-01-01", "until": "2026-01-02"},
        ).status
        == 403
    )


def test_request_files_are_encrypted_and_my_numbers_stay_out_of_findings(api: Api) -> None:
    people = _register(api, 2)
    _run(api)
    fake_jlis().dial(people[0][1], Scenario.NOT_FOUND)
    run_id = _run(api)
    s3 = boto3.client("s3", region_name=REGION)
    key = FileKey("foundation", run_id, 1).of("outbound")
    head = s3.head_object(Bucket=os.environ["JLIS_BUCKET"], Key=key)
    assert head["ServerSideEncryption"] == "aws:kms"
    stored = str(api.items("SyncTable")) + str(api.items("OutboxTable")) + str(api.items("AuditTable"))
    assert all(number not in stored for _, number in people)
