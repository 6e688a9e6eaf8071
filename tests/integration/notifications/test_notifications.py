"""Outbox -> stream relay -> bus -> queue -> notifier -> portal inbox / SES / staff topic, in moto."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3

from ahaki.notifications.adapters.messaging import NOTIFIER_QUEUE
from ahaki.notifications.adapters.messaging_clients import REASON_ATTRIBUTE, redrive
from ahaki.notifications.adapters.tables import DynamoContacts
from ahaki.notifications.domain.notification import ContactPreference
from infra.sandbox.emulated_aws import REGION
from infra.sandbox.workers import Workers
from tests.integration.conftest import Api
from tests.integration.notifications_support import dlq_messages, send_to_notifier, sent_emails, workers

__all__ = ["workers"]
PSEUDONYM = "pp-0000-1111-2222"


def _register_with_portal(api: Api, pseudonym: str = PSEUDONYM) -> dict[str, Any]:
    return api.register(portal_pseudonym_id=pseudonym)


def _correct(api: Api, qid: str) -> None:
    reply = api.call("correct", qid, {"sex": "male", "reason": "誤記の訂正"}, headers={"If-Match": '"1"'})
    assert reply.status == 200, reply.body


def _inbox(api: Api, pseudonym: str = PSEUDONYM) -> list[dict[str, Any]]:
    reply = api.call("list_notifications", portal=pseudonym)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def test_a_correction_reaches_the_portal_inbox_with_the_registered_name(api: Api, workers: Workers) -> None:
    registrant = _register_with_portal(api)
    _correct(api, registrant["qualification_pseudonym_id"])
    workers.pump()
    items = _inbox(api)
    assert [i["kind"] for i in items] == ["registrant.correct", "registrant.register"]  # newest first
    name = registrant["name"]
    assert f"{name['family']} {name['given']} 様" in items[0]["text"]
    assert "令和" in items[0]["text"] and datetime.now(UTC).date().isoformat()[:4] in items[0]["text"]
    assert items[0]["subject"].startswith("【あん摩マッサージ指圧師名簿】")
    assert items[0]["html"].startswith("<!DOCTYPE html>")
    assert items[0]["read_at"] is None
    # The read of the name is audited, on the registrant's chain.
    audits = [json.loads(i["body"]["S"]) if "body" in i else i for i in api.items("AuditTable")]
    assert any("read_for_notification" in json.dumps(a) for a in audits)


def test_a_relayed_event_delivered_twice_lands_once(api: Api, workers: Workers) -> None:
    registrant = _register_with_portal(api)
    workers.relay_once()
    sqs = boto3.client("sqs", region_name=REGION)
    found = sqs.receive_message(QueueUrl=_queue(), MaxNumberOfMessages=10, VisibilityTimeout=0)
    body = found["Messages"][0]["Body"]
    sqs.send_message(QueueUrl=_queue(), MessageBody=body)  # SQS at-least-once: the same event again
    workers.pump()
    assert len(_inbox(api)) == 1
    assert registrant["qualification_pseudonym_id"]


def test_remove_records_of_the_outbox_ttl_are_ignored(api: Api, workers: Workers) -> None:
    _register_with_portal(api)
    workers.pump()
    table = api.resources.table_names["OutboxTable"]
    client = boto3.client("dynamodb", region_name=REGION)
    for item in client.scan(TableName=table)["Items"]:
        client.delete_item(TableName=table, Key={"pk": item["pk"]})  # what TTL does
    workers.pump()
    assert len(_inbox(api)) == 1
    assert dlq_messages() == []


def test_mark_as_read_and_only_ones_own_inbox(api: Api, workers: Workers) -> None:
    _register_with_portal(api)
    workers.pump()
    item = _inbox(api)[0]
    other = api.call(
        "mark_notification_read", portal="pp-someone-else", params={"notification_id": item["notification_id"]}
    )
    assert other.status == 404
    reply = api.call("mark_notification_read", portal=PSEUDONYM, params={"notification_id": item["notification_id"]})
    assert reply.status == 200 and reply.body["read_at"]
    assert _inbox(api)[0]["read_at"] == reply.body["read_at"]
    assert _inbox(api, "pp-someone-else") == []


def test_portal_routes_refuse_staff_and_need_the_pseudonym(api: Api) -> None:
    assert api.call("list_notifications").status == 403  # a staff token is not the portal
    reply = api.call("list_notifications", portal="bad")
    assert reply.status == 400


def test_email_goes_where_the_holder_opted_in_and_only_once(api: Api, workers: Workers) -> None:
    registrant = _register_with_portal(api)
    qid = registrant["qualification_pseudonym_id"]
    before = len(sent_emails())
    DynamoContacts(boto3.client("dynamodb", region_name=REGION), api.resources.table_names["ContactTable"]).put(
        ContactPreference(
            tenant_id="foundation", qualification_pseudonym_id=qid, email="holder@example.com", email_opt_in=True
        )
    )
    _correct(api, qid)
    workers.pump()
    workers.pump()
    emails = sent_emails()[before:]
    assert len(emails) == 2  # register and correct, once each
    assert any("名簿訂正" in m.subject for m in emails)
    assert all(m.destinations["ToAddresses"] == ["holder@example.com"] for m in emails)


def test_no_channel_no_template_and_malformed_go_to_the_dlq_with_a_reason(api: Api, workers: Workers) -> None:
    api.register()  # no portal pseudonym, no e-mail: no channel
    send_to_notifier(_event("registrant.unknown_kind", str(uuid.uuid4())))
    boto3.client("sqs", region_name=REGION).send_message(QueueUrl=_queue(), MessageBody="not json")
    workers.pump()
    reasons = sorted(m["MessageAttributes"][REASON_ATTRIBUTE]["StringValue"] for m in dlq_messages())
    assert reasons == ["malformed", "no_channel", "no_template"]


def test_redrive_is_safe_to_run_twice(api: Api, workers: Workers) -> None:
    registrant = _register_with_portal(api)
    event = _event("registrant.register", str(uuid.uuid4()), registrant["qualification_pseudonym_id"])
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = NOTIFIER_QUEUE.dlq_env_var
    sqs.send_message(QueueUrl=os.environ[dlq], MessageBody=json.dumps(event))
    sqs.send_message(QueueUrl=os.environ[dlq], MessageBody=json.dumps(event))  # a duplicate in the DLQ
    assert redrive(sqs, os.environ[dlq], _queue()).moved == 2
    assert redrive(sqs, os.environ[dlq], _queue()).moved == 0
    workers.pump()
    kinds = [i["kind"] for i in _inbox(api)]
    assert kinds.count("registrant.register") == 2  # the relayed one, and the redriven one once
    assert dlq_messages() == []


def _queue() -> str:
    return os.environ[NOTIFIER_QUEUE.env_var]


def _event(kind: str, event_id: str, subject: str = "nobody") -> dict[str, Any]:
    return {
        "event_id": event_id,
        "tenant_id": "foundation",
        "kind": kind,
        "occurred_at": datetime.now(UTC).isoformat(),
        "subject_id": subject,
        "portal_pseudonym_id": PSEUDONYM,
        "detail": {},
    }


def test_the_message_names_the_register_of_the_holders_qualification(api: Api, workers: Workers) -> None:
    pseudonym = "pp-acupuncture-0001"
    api.register(portal_pseudonym_id=pseudonym, qualification="acupuncture")
    workers.pump()
    [item] = _inbox(api, pseudonym)
    assert item["subject"].startswith("【はり師名簿】")
    assert "はり師名簿に登録されました" in item["text"]
    assert "あん摩マッサージ指圧師" not in item["text"] + item["subject"]
