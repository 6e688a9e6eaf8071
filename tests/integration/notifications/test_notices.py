"""Staff notices: audited, recorded with their outbox event, fanned out page by page to every holder."""

from __future__ import annotations

import json
import os

from infra.sandbox.workers import Workers
from tests.integration.conftest import Api
from tests.integration.notifications_support import dlq_messages, empty_dlq, workers

__all__ = ["workers"]


def _inbox(api: Api, pseudonym: str) -> list[dict[str, object]]:
    reply = api.call("list_notifications", portal=pseudonym)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def test_a_broadcast_reaches_every_holder_once(api: Api, workers: Workers) -> None:
    os.environ["FANOUT_PAGE_SIZE"] = "2"  # several pages for three holders
    try:
        pseudonyms = [f"pp-broadcast-{n:04d}" for n in range(3)]
        for p in pseudonyms:
            api.register(portal_pseudonym_id=p)
        workers.pump()
        body = {"audience": "all_holders", "subject": "システム停止のお知らせ", "body": "12月1日は停止します。"}
        reply = api.call("send_notice", body=body)
        assert reply.status == 202, reply.body
        workers.pump()
        workers.pump()
        for p in pseudonyms:
            kinds = [i["kind"] for i in _inbox(api, p)]
            assert kinds.count("notice.staff") == 1, kinds
            notice = next(i for i in _inbox(api, p) if i["kind"] == "notice.staff")
            assert "システム停止のお知らせ" in str(notice["subject"]) and "12月1日は停止します。" in str(notice["text"])
        assert dlq_messages() == []
        audits = json.dumps(api.items("AuditTable"))
        assert "send_notice" in audits
    finally:
        os.environ.pop("FANOUT_PAGE_SIZE", None)


def test_a_notice_to_one_holder_and_refusals(api: Api, workers: Workers) -> None:
    one = api.register(portal_pseudonym_id="pp-notice-one")
    api.register(portal_pseudonym_id="pp-notice-two")
    body = {
        "audience": "holder",
        "qualification_pseudonym_id": one["qualification_pseudonym_id"],
        "subject": "確認",
        "body": "書類をお送りください。",
    }
    assert api.call("send_notice", body=body).status == 202
    workers.pump()
    workers.pump()
    assert [i["kind"] for i in _inbox(api, "pp-notice-one")].count("notice.staff") == 1
    assert [i["kind"] for i in _inbox(api, "pp-notice-two")].count("notice.staff") == 0
    assert api.call("send_notice", body=body, role="viewer").status == 403
    missing = {**body, "qualification_pseudonym_id": "no-such-holder"}
    assert api.call("send_notice", body=missing).status == 404
    assert api.call("send_notice", body={**body, "qualification_pseudonym_id": None}).status == 422


def _reasons() -> list[str]:
    return sorted(m["MessageAttributes"]["ahaki-dlq-reason"]["StringValue"] for m in dlq_messages())


def test_a_broadcast_records_a_holder_without_channel_instead_of_dead_lettering(api: Api, workers: Workers) -> None:
    api.register(portal_pseudonym_id="pp-broadcast-online")
    paper = api.register()  # a paper-era registrant: no portal pseudonym, no e-mail
    workers.pump()
    assert _reasons() == ["no_channel"]  # the registration itself must reach them: a dead letter
    empty_dlq()
    body = {"audience": "all_holders", "subject": "年末年始のお知らせ", "body": "12月29日から休業します。"}
    assert api.call("send_notice", body=body).status == 202
    workers.pump()
    workers.pump()
    workers.pump()
    assert dlq_messages() == []  # the broadcast floods no DLQ
    assert [i["kind"] for i in _inbox(api, "pp-broadcast-online")].count("notice.staff") == 1
    unreachable = [i for i in api.items("DeliveryTable") if i["state"]["S"] == "unreachable"]
    assert [(i["reason"]["S"], i["kind"]["S"], i["subject_id"]["S"]) for i in unreachable] == [
        ("no_channel", "notice.staff", paper["qualification_pseudonym_id"])
    ]


def test_a_notice_to_one_holder_without_channel_is_a_dead_letter(api: Api, workers: Workers) -> None:
    paper = api.register()
    workers.pump()
    empty_dlq()
    body = {
        "audience": "holder",
        "qualification_pseudonym_id": paper["qualification_pseudonym_id"],
        "subject": "書類のお願い",
        "body": "書類をお送りください。",
    }
    assert api.call("send_notice", body=body).status == 202
    workers.pump()
    workers.pump()
    assert _reasons() == ["no_channel"]
    assert not [i for i in api.items("DeliveryTable") if i["state"]["S"] == "unreachable"]
