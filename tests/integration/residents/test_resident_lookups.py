"""On-demand look-ups as in AWS: the inquiry goes out as a request file, J-LIS answers later by
file, the worker keeps the answer, staff read it."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any

import boto3
import pytest

from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.wiring import fake_jlis, sync_ports
from functions.resident_lookup import handler as lookup_handler
from functions.sync_worker.handler import handle
from infra.sandbox.emulated_aws import REGION
from tests.integration.conftest import Api


def _as_in_aws(monkeypatch: pytest.MonkeyPatch) -> S3Exchange:
    """The look-up function with the production exchange: nobody answers at once."""
    exchange = S3Exchange(boto3.client("s3", region_name=REGION), os.environ["JLIS_BUCKET"])
    aws = replace(sync_ports(), exchange=exchange, answers_at_once=False)
    monkeypatch.setattr(lookup_handler, "sync_ports", lambda: aws)
    return exchange


def _jlis_answers(exchange: S3Exchange, lookup_id: str) -> dict[str, Any]:
    """J-LIS reads the request file and puts its result file; S3 tells the worker."""
    key = FileKey("foundation", f"lookup-{lookup_id}", 1)
    exchange.put_result(key, fake_jlis().answer(exchange.lines(key.of("outbound"))))
    return {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key.of("inbound")}}}]}


def test_a_look_up_is_pending_until_j_lis_answers_by_file(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    registered = api.register()
    qid = registered["qualification_pseudonym_id"]
    exchange = _as_in_aws(monkeypatch)

    reply = api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "本人確認"})
    assert reply.status == 202, reply.body
    lookup_id = reply.body["lookup_id"]
    assert reply.body["status"] == "pending" and reply.body["answer"] is None
    pending = api.call("get_resident_lookup", params={"lookup_id": lookup_id})
    assert pending.status == 200 and pending.body["status"] == "pending"

    event = _jlis_answers(exchange, lookup_id)
    handle(event)
    answered = api.call("get_resident_lookup", params={"lookup_id": lookup_id})
    assert answered.status == 200, answered.body
    assert answered.body["status"] == "answered"
    assert answered.body["answer"]["result_code"] == "00"
    assert answered.body["answer"]["changed_items"] == []
    assert [c["name_kanji"] for c in answered.body["answer"]["candidates"]] == [
        f"{registered['name']['family']}\u3000{registered['name']['given']}"
    ]
    handle(event)  # a redelivered result file changes nothing
    assert api.call("get_resident_lookup", params={"lookup_id": lookup_id}).body == answered.body
    reads = [i for i in api.items("AuditTable") if "read_resident_lookup" in json.dumps(i)]
    assert len(reads) == 3  # every read of a look-up is audited


def test_the_four_basic_items_need_the_address_and_not_the_kana(api: Api) -> None:
    body = {"purpose": "申請者の本人確認", "name_kanji": "山田\u3000花子", "sex": "female", "birth_date": "1990-04-01"}
    refused = api.call("resident_lookup", body=body)
    assert refused.status == 422 and "address_line" in json.dumps(refused.body)

    person = api.register()
    teach = {"qualification_pseudonym_id": person["qualification_pseudonym_id"], "purpose": "本人確認"}
    assert api.call("resident_lookup", body=teach).status == 202  # the fake learns the resident by My Number
    name = f"{person['name']['family']}\u3000{person['name']['given']}"
    asked = {**body, "name_kanji": name, "address_line": person["address"]["line"], "birth_date": person["birth_date"]}
    asked["sex"] = person["sex"]
    found = api.call("resident_lookup", body=asked)
    assert found.status == 202, found.body
    answer = found.body["answer"]
    assert answer["result_code"] == "00" and answer["my_number_found"] == [True]
    stored = json.dumps(api.items("SyncTable"), ensure_ascii=False) + json.dumps(found.body, ensure_ascii=False)
    number = api.call("reveal_my_number", person["qualification_pseudonym_id"], {"purpose": "確認"}).body["my_number"]
    assert number not in stored  # the My Number J-LIS answered with is kept nowhere outside the vault


def test_a_look_up_of_another_tenant_is_not_found(api: Api) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    lookup_id = api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "本人確認"}).body[
        "lookup_id"
    ]
    other = api.call("get_resident_lookup", params={"lookup_id": lookup_id}, tenant="other-org")
    assert other.status == 404


@pytest.mark.parametrize(
    ("hostile", "reason"),
    [
        (lambda text: text.replace("lookup-", "lookup-x", 1), "header does not match the object key (run or chunk)"),
        (lambda text: text[: len(text) // 2], "truncated: no trailer"),
        (lambda text: text.replace("\nD,1,", "\nD,1,other-", 1), "subject_reference does not match the request"),
    ],
)
def test_a_hostile_answer_file_is_refused_with_its_reason(
    api: Api, monkeypatch: pytest.MonkeyPatch, hostile: Any, reason: str
) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    exchange = _as_in_aws(monkeypatch)
    lookup_id = api.call("resident_lookup", body={"qualification_pseudonym_id": qid, "purpose": "本人確認"}).body[
        "lookup_id"
    ]
    key = FileKey("foundation", f"lookup-{lookup_id}", 1)
    honest = "".join(fake_jlis().answer(exchange.lines(key.of("outbound"))))
    exchange.put_result(key, [hostile(honest)])
    handle({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key.of("inbound")}}}]})
    answer = api.call("get_resident_lookup", params={"lookup_id": lookup_id}).body["answer"]
    assert (answer["result_code"], answer["candidates"], answer["refused"]) == ("90", [], reason)
