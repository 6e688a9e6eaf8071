"""A sync finding reaches whom it concerns: the holder of a changed name, and staff for every kind."""

from __future__ import annotations

from typing import Any

from ahaki.residents.adapters.jlis_fake import Scenario
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.wiring import ListQueue, fake_jlis, sync_ports
from functions.sync_worker.handler import handle
from infra.sandbox.workers import Workers
from tests.data import remember
from tests.integration.conftest import Api
from tests.integration.notifications_support import dlq_messages, workers

__all__ = ["workers"]


def _run(api: Api) -> None:
    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    assert reply.status == 202, reply.body
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    for message in list(queue.messages):
        if message.get("kind") != "build":
            continue
        handle(message)
        key = FileKey(message["tenant_id"], message["run_id"], message["chunk_no"])
        handle({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key.of("inbound")}}}]})
    queue.messages.clear()


def _inbox(api: Api, pseudonym: str) -> list[dict[str, Any]]:
    reply = api.call("list_notifications", portal=pseudonym)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def test_findings_are_delivered_not_dead_lettered(api: Api, workers: Workers) -> None:
    renamed = api.register(portal_pseudonym_id="pp-renamed-0001")["qualification_pseudonym_id"]
    deceased = api.register(portal_pseudonym_id="pp-deceased-0001")["qualification_pseudonym_id"]
    numbers = {
        qid: api.call("reveal_my_number", qid, {"purpose": "テスト用の照会"}).body["my_number"]
        for qid in (renamed, deceased)
    }
    _run(api)  # the first run learns the resident codes
    fake_jlis().dial(numbers[renamed], Scenario.RENAMED)
    fake_jlis().dial(numbers[deceased], Scenario.DECEASED)
    for resident in fake_jlis()._by_number.values():
        remember({"name": {"f": resident.name_kanji}})
    _run(api)
    workers.pump()

    assert dlq_messages() == []
    kinds = [item["kind"] for item in _inbox(api, "pp-renamed-0001")]
    assert "sync.finding_opened.name_changed" in kinds
    [notice] = [i for i in _inbox(api, "pp-renamed-0001") if i["kind"] == "sync.finding_opened.name_changed"]
    assert "名簿訂正" in notice["text"]
    # A deceased holder's inbox is not where staff learn of it: the staff topic is.
    assert not any(i["kind"].startswith("sync.") for i in _inbox(api, "pp-deceased-0001"))
    staff_alerts = {
        item["pk"]["S"].split("#")[0]
        for item in api.items("DeliveryTable")
        if item["pk"]["S"].endswith("#staff_alert") and item["state"]["S"] == "delivered"
    }
    alerted = sorted(e.rsplit(".", 1)[-1] for e in staff_alerts if e.startswith("sync-finding-"))
    assert alerted == sorted([renamed, deceased])
