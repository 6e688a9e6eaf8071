"""Every lifecycle operation through the real handler, against moto: state, history, audit."""

from __future__ import annotations

import json

import boto3

from ahaki.kernel.adapters.audit_trail import DynamoAuditTrail
from ahaki.kernel.audit import Outcome, verify_chain
from ahaki.registry.domain.history import HistoryEvent, fold
from ahaki.registry.domain.registrant import Registrant
from infra.sandbox.emulated_aws import REGION
from tests.integration.conftest import Api

CHAIN = "T#foundation#Q#{}"


def audit_chain(api: Api, qid: str) -> list:  # type: ignore[type-arg]
    trail = DynamoAuditTrail(boto3.client("dynamodb", region_name=REGION), api.resources.table_names["AuditTable"])
    return trail.records(CHAIN.format(qid))


def snapshot_equals_fold(api: Api, qid: str) -> bool:
    current = api.call("get_registrant", qid).body
    history = api.call("get_history", qid).body["events"]
    folded = fold(HistoryEvent.model_validate(e) for e in history)
    current.pop("status_today")
    return folded == Registrant.model_validate(current)


def test_register_assigns_consecutive_numbers_and_audits(api: Api) -> None:
    first, second, third = api.register(), api.register(), api.register()
    assert [first["registration_number"], second["registration_number"], third["registration_number"]] == [1, 2, 3]
    assert first["version"] == 1 and first["status"] == "registered"
    records = audit_chain(api, first["qualification_pseudonym_id"])
    assert [(r.action, r.outcome) for r in records] == [("register", Outcome.ALLOWED)]
    assert "my_number" not in first


def test_every_operation_changes_state_appends_history_and_audit(api: Api) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    steps = [
        ("correct", {"name": {"family": "山口", "given": "結衣"}, "reason": "婚姻による氏の変更"}, "registered"),
        ("rewrite_certificate", {"reason": "氏名の変更"}, "registered"),
        ("reissue_certificate", {"reason": "lost"}, "registered"),
        (
            "dispose",
            {
                "kind": "practice_suspension",
                "period_from": "2026-01-01",
                "period_to": "2099-12-31",
                "reason": "業務停止処分",
            },
            "suspended",
        ),
        ("dispose", {"kind": "revocation", "reason": "免許取消処分"}, "revoked"),
        ("erase", {"reason": "revocation"}, "erased"),
        ("relicense", {"reason": "取消事由の消滅"}, "registered"),
        ("erase", {"reason": "on_request"}, "erased"),
    ]
    version = 1
    for operation, body, status in steps:
        reply = api.call(operation, qid, body, headers={"If-Match": f'"{version}"'})
        assert reply.status == 200, (operation, reply.body)
        version += 1
        assert reply.body["status"] == status and reply.body["version"] == version
        assert reply.etag == f'"{version}"'
    assert snapshot_equals_fold(api, qid)
    final = api.call("get_registrant", qid).body
    assert final["certificate_serial"] == 4  # rewrite, reissue, relicense
    assert len(final["dispositions"]) == 2 and len(final["relicensures"]) == 1
    records = audit_chain(api, qid)
    assert verify_chain(records) is None
    writes = [r.action for r in records if r.action not in {"get_registrant", "get_history"}]
    assert writes == ["register"] + [op for op, _, _ in steps]
    assert all(r.detail.get("items") for r in records if r.action == "correct")
    events = sorted(
        (json.loads(i["body"]["S"]) for i in api.items("OutboxTable")), key=lambda e: e["detail"]["version"]
    )
    assert [e["kind"] for e in events] == ["registrant.register"] + [f"registrant.{op}" for op, _, _ in steps]
    assert {e["subject_id"] for e in events} == {qid}
    assert events[-1]["detail"] == {
        "qualification": "anma_massage_shiatsu",
        "version": 9,
        "status": "erased",
        "certificate_serial": 4,
    }


def test_operations_refused_where_the_law_does_not_allow_them(api: Api) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    relicense = api.call("relicense", qid, {"reason": "再免許"})
    assert relicense.status == 409
    assert relicense.body["current_status"] == "registered" and relicense.body["allowed_in"] == ["revoked"]
    erase_for_revocation = api.call("erase", qid, {"reason": "revocation"})
    assert erase_for_revocation.status == 409
    assert api.call("erase", qid, {"reason": "death"}).status == 200
    for operation, body in [
        ("correct", {"sex": "male", "reason": "誤記"}),
        ("reissue_certificate", {"reason": "torn"}),
        ("dispose", {"kind": "revocation", "reason": "取消"}),
        ("erase", {"reason": "on_request"}),
    ]:
        reply = api.call(operation, qid, body, headers={"If-Match": '"2"'})
        assert reply.status == 409, operation
        assert reply.body["type"].endswith("not-allowed-in-this-state")
    assert api.call("get_registrant", qid).body["version"] == 2
    rejected = [r for r in audit_chain(api, qid) if r.outcome is Outcome.REJECTED]
    assert len(rejected) == 6


def test_optimistic_locking(api: Api) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    body = {"address": {"municipality_code": "271004", "line": "大阪市北区中之島一丁目"}, "reason": "住所訂正"}
    assert api.call("correct", qid, body).status == 428
    assert api.call("correct", qid, body, headers={"If-Match": "latest"}).status == 400
    assert api.call("correct", qid, body, headers={"If-Match": '"1"'}).status == 200
    stale = api.call("correct", qid, body, headers={"If-Match": 'W/"1"'})
    assert stale.status == 409
    assert stale.body["current_version"] == 2 and stale.etag == '"2"'


def test_one_live_registrant_per_my_number(api: Api) -> None:
    first = api.register()
    from tests.data import registration

    again = registration()
    again["my_number"] = _my_number_of(api, first["qualification_pseudonym_id"])
    duplicate = api.call("register", body=again)
    assert duplicate.status == 409 and duplicate.body["type"].endswith("duplicate-my-number")
    assert again["my_number"] not in str(duplicate.body)
    assert api.call("erase", first["qualification_pseudonym_id"], {"reason": "on_request"}).status == 200
    assert api.call("register", body=again).status == 201
    # Another qualification is another register: the same person may hold both licences.
    other = registration(qualification="acupuncture")
    other["my_number"] = again["my_number"]
    assert api.call("register", body=other).status == 201


def _my_number_of(api: Api, qid: str) -> str:
    reply = api.call("reveal_my_number", qid, {"purpose": "重複登録の確認"})
    assert reply.status == 200
    return str(reply.body["my_number"])


def test_search_three_ways_with_pages_by_status(api: Api) -> None:
    made = [api.register() for _ in range(5)]
    by_number = api.call("search_registrants", body={"registration_number": 3}).body["items"]
    assert [r["registration_number"] for r in by_number] == [3]
    target = made[1]
    by_kana = api.call(
        "search_registrants", body={"name_kana": target["name_kana"], "birth_date": target["birth_date"]}
    ).body["items"]
    assert target["qualification_pseudonym_id"] in {r["qualification_pseudonym_id"] for r in by_kana}
    seen: list[int] = []
    cursor = None
    while True:
        body = {"status": "registered", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.call("search_registrants", body=body)
        assert page.status == 200
        seen += [r["registration_number"] for r in page.body["items"]]
        cursor = page.body["cursor"]
        if not cursor:
            break
    assert seen == [1, 2, 3, 4, 5]
    forged = api.call("search_registrants", body={"status": "erased", "cursor": "eyJwayI6MX0"})
    assert forged.status == 422 and forged.body["field"] == "cursor"
    assert api.call("search_registrants", body={"registration_number": 1, "status": "registered"}).status == 422


def test_tenants_never_see_each_other(api: Api) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    assert api.call("get_registrant", qid, tenant="mhlw").status == 404
    assert (
        api.call("correct", qid, {"sex": "male", "reason": "x"}, tenant="mhlw", headers={"If-Match": '"1"'}).status
        == 404
    )
    assert api.call("reveal_my_number", qid, {"purpose": "確認"}, tenant="mhlw").status == 404
    assert api.call("search_registrants", body={"status": "registered"}, tenant="mhlw").body["items"] == []
    assert api.call("get_registrant", "no-such-id").status == 404


def test_suspension_ends_by_itself(api: Api) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    body = {"kind": "title_use_suspension", "period_from": "2020-01-01", "period_to": "2020-06-30", "reason": "処分"}
    reply = api.call("dispose", qid, body)
    assert reply.body["status"] == "suspended" and reply.body["status_today"] == "registered"
    # Once the period is over, a new suspension may be given.
    assert api.call("dispose", qid, {**body, "period_to": "2099-01-01"}).status == 200
