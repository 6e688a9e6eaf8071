"""The sync against moto with a J-LIS that writes names and addresses its own way: notation
differences raise no finding and send no notice; real moves and renames are still found."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from ahaki.notifications.domain.templates import template_of
from ahaki.residents.adapters.jlis_fake import Scenario
from ahaki.residents.adapters.jlis_notation import NotationRates
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.wiring import ListQueue, fake_jlis, sync_ports
from functions.sync_worker.handler import handle
from infra.sandbox.workers import Workers
from tests.data import remember
from tests.integration.conftest import Api
from tests.integration.notifications_support import dlq_messages, workers
from tests.integration.residents.test_resident_sync import _my_number_of, _run, _s3_event

__all__ = ["workers"]
LINE = "千代田区一番町4-2-101"


def _person(api: Api, family: str = "高橋", kana: str = "タカハシ", given_kana: str = "ユウコ") -> tuple[str, str]:
    body = api.register(
        name={"family": family, "given": "優子"},
        name_kana={"family": kana, "given": given_kana},
        address={"municipality_code": "131016", "line": LINE},
    )
    qid = body["qualification_pseudonym_id"]
    return qid, _my_number_of(api, qid)


def _counts(api: Api, run_id: str) -> dict[str, Any]:
    run = api.call("get_sync_run", params={"run_id": run_id}, role="operator").body
    assert run["reconciles"] is True
    return dict(run["counts"])


def _outbox_kinds(api: Api) -> list[str]:
    return sorted(i["kind"]["S"] for i in api.items("OutboxTable"))


def _new(before: list[str], after: list[str]) -> list[str]:
    return sorted((Counter(after) - Counter(before)).elements())


def _in_resident_notation() -> None:
    fake_jlis().notation = NotationRates(variants=1.0, block_forms=1.0, kanji_numerals=1.0)
    remember({"address": {"line": "千代田区一番町四丁目2番地101"}, "name": {"f": "髙橋", "g": "髙橋\u3000優子"}})


def test_a_move_is_applied_and_announced_as_a_change_of_address(api: Api) -> None:
    qid, number = _person(api)
    _run(api)
    fake_jlis().dial(number, Scenario.MOVED, address=("131032", "港区芝公園4-2-8"))
    remember({"address": {"line": "港区芝公園4-2-8"}})
    before = _outbox_kinds(api)
    counts = _counts(api, _run(api))
    assert (counts["applied"], counts["findings"], counts["notation"]) == (1, 0, 0)
    moved = api.call("get_history", qid, role="viewer").body["events"][-1]
    assert moved["operation"] == "change_address"  # not a 名簿訂正
    assert moved["changes"].keys() == {"address"}
    assert _new(before, _outbox_kinds(api)) == ["registrant.change_address"]
    template = template_of("registrant.change_address")
    assert template.to_holder and "住所" in template.subject and "訂正" not in template.subject + template.body


def test_notation_only_differences_raise_no_finding_and_send_no_notice(api: Api) -> None:
    qid, _ = _person(api)
    _run(api)  # the first run learns the resident code
    _in_resident_notation()
    before = _outbox_kinds(api)
    counts = _counts(api, _run(api))
    assert (counts["notation"], counts["findings"], counts["applied"], counts["unchanged"]) == (1, 0, 0, 0)
    assert counts["folded"] == {"name.variants": 1, "address.kanji_numerals": 1, "address.block_markers": 1}
    assert api.call("list_sync_findings", role="viewer", query={"status": "open"}).body["items"] == []
    # The address adopts the resident register's notation, silently: its own kind of event, no notice.
    registrant = api.call("get_registrant", qid, role="viewer").body
    assert registrant["address"]["line"] == "千代田区一番町四丁目2番地101"
    assert registrant["name"]["family"] == "高橋"  # the stored name is never rewritten by the fold
    event = api.call("get_history", qid, role="viewer").body["events"][-1]
    assert (event["operation"], list(event["changes"])) == ("adopt_notation", ["address"])
    assert _new(before, _outbox_kinds(api)) == ["registrant.adopt_notation"]
    silent = template_of("registrant.adopt_notation")
    assert not silent.to_holder and not silent.to_staff
    # The name's form is recorded for staff (not raised), with J-LIS's writing and why it folded.
    noted = api.call("list_sync_findings", role="viewer", query={"status": "noted"}).body["items"]
    assert [(n["kind"], n["qualification_pseudonym_id"]) for n in noted] == [("notation", qid)]
    assert noted[0]["candidates"][0]["name_kanji"] == "髙橋\u3000優子"
    assert noted[0]["folded"] == ["name.variants", "address.kanji_numerals", "address.block_markers"]
    # Next month: the address agrees now; the name's form is still recorded, nothing else happens.
    history = len(api.call("get_history", qid, role="viewer").body["events"])
    again = _counts(api, _run(api))
    assert (again["notation"], again["findings"], again["applied"]) == (1, 0, 0)
    assert again["folded"] == {"name.variants": 1}
    assert len(api.call("get_history", qid, role="viewer").body["events"]) == history
    assert len(api.call("list_sync_findings", role="viewer", query={"status": "noted"}).body["items"]) == 1


def test_a_reading_that_differs_is_recorded_for_staff_and_a_long_vowel_is_notation(api: Api) -> None:
    differs, number = _person(api, family="田中", kana="タナカ")
    spelled, _ = _person(api, family="田中", kana="タナカ", given_kana="ユーコ")
    _run(api)
    resident = fake_jlis()._by_number[number]
    fake_jlis().add(replace(resident, name_kana="タナバ\u3000ユウコ"))
    remember({"name": {"k": "タナバ"}})
    fake_jlis().add(replace(fake_jlis()._by_number[_my_number_of(api, spelled)], name_kana="タナカ\u3000ユウコ"))
    counts = _counts(api, _run(api))
    assert (counts["notation"], counts["findings"]) == (2, 0)
    assert counts["folded"] == {"kana.long_vowel": 1}
    noted = api.call("list_sync_findings", role="viewer", query={"status": "noted"}).body["items"]
    assert sorted((n["kind"], n["qualification_pseudonym_id"]) for n in noted) == sorted(
        [("kana_differs", differs), ("notation", spelled)]
    )
    kinds = _outbox_kinds(api)
    assert not any(k.startswith("sync.finding") for k in kinds)


def test_a_rule_turned_off_raises_the_difference_again_and_the_change_is_audited(api: Api) -> None:
    _person(api)
    _run(api)
    read = api.call("get_notation_settings", role="auditor")
    assert read.status == 200 and read.body["version"] == 0 and read.body["variants_version"]
    assert all(r["enabled"] for r in read.body["rules"])
    body = {"disabled": ["name.variants"], "reason": "異体字の同一視を確認するまで停止", "version": 0}
    changed = api.call("put_notation_settings", body=body)
    assert changed.status == 200, changed.body
    assert changed.body["version"] == 1 and changed.body["disabled"] == ["name.variants"]
    assert {r["name"]: r["enabled"] for r in changed.body["rules"]}["name.variants"] is False
    assert api.call("put_notation_settings", body=body).status == 409  # stale version
    unknown = api.call("put_notation_settings", body={**body, "disabled": ["name.everything"], "version": 1})
    assert unknown.status == 422 and "disabled" in json.dumps(unknown.body)
    assert api.call("put_notation_settings", body=body, role="operator").status == 403
    audited = [json.loads(i["record"]["S"]) for i in api.items("AuditTable")]
    change = [r for r in audited if r["action"] == "change_notation_settings"]
    assert len(change) >= 1 and change[0]["detail"]["disabled"] == ["name.variants"]

    _in_resident_notation()
    counts = _counts(api, _run(api))
    assert (counts["findings"], counts["notation"]) == (1, 0)
    findings = api.call("list_sync_findings", role="viewer", query={"status": "open"}).body["items"]
    assert [f["kind"] for f in findings] == ["name_changed"]


def test_notation_on_a_record_erased_meanwhile_is_recorded_not_raised(api: Api) -> None:
    qid, _ = _person(api)
    _run(api)
    _in_resident_notation()
    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    for message in list(queue.messages):
        handle(message)  # the request file is out; the registrant is erased before the answer
        erased = api.call("erase", qid, {"reason": "on_request"})
        assert erased.status == 200, erased.body
        handle(_s3_event(FileKey(message["tenant_id"], message["run_id"], message["chunk_no"]).of("inbound")))
    queue.messages.clear()
    counts = _counts(api, str(reply.body["run_id"]))
    assert (counts["notation"], counts["findings"], counts["applied"]) == (1, 0, 0)
    assert api.call("list_sync_findings", role="viewer", query={"status": "open"}).body["items"] == []
    assert not any(k.startswith("sync.finding") for k in _outbox_kinds(api))
    noted = api.call("list_sync_findings", role="viewer", query={"status": "noted"}).body["items"]
    assert [n["qualification_pseudonym_id"] for n in noted] == [qid]


def test_through_the_notifier_a_notation_reaches_no_holder_and_a_move_is_announced(api: Api, workers: Workers) -> None:
    def inbox(pseudonym: str) -> list[str]:
        return [i["kind"] for i in api.call("list_notifications", portal=pseudonym).body["items"]]

    written = api.register(
        portal_pseudonym_id="pp-notation-0001",
        name={"family": "高橋", "given": "優子"},
        address={"municipality_code": "131016", "line": LINE},
    )
    mover = api.register(portal_pseudonym_id="pp-notation-0002", address={"municipality_code": "131016", "line": LINE})
    mover_number = _my_number_of(api, mover["qualification_pseudonym_id"])
    _my_number_of(api, written["qualification_pseudonym_id"])
    _run(api)
    _in_resident_notation()
    fake_jlis().dial(mover_number, Scenario.MOVED, address=("131032", "港区芝公園4-2-8"))
    remember({"address": {"line": "港区芝公園4-2-8"}})
    _run(api)
    workers.pump()
    assert inbox("pp-notation-0001") == ["registrant.register"]  # adopted and recorded: nothing sent
    assert inbox("pp-notation-0002") == ["registrant.change_address", "registrant.register"]
    assert dlq_messages() == []
