"""The first event of every function for the cold-start table, and the items it needs in place.

API functions get their sample from events/ (a read where the function has one, so the first
request does the function's usual work); the scheduled and queue functions get the schedule's
input or a record as their event source mapping hands it over. One registrant is registered
first through the register's own service (snapshot, history, vault, claim, audit), and given a
portal pseudonym, so reads, the reveal, look-ups, the sync and notifications find someone; the
tables' items are kept and put back before every measured run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.specs import ATTACHMENTS_BUCKET, TABLES
from ahaki.notifications.adapters.messaging import OUTBOX_SOURCE
from ahaki.notifications.domain.notification import FanoutPage
from ahaki.registry.adapters.register_table import snapshot_item
from ahaki.registry.services import registry
from ahaki.registry.wiring import ports
from benchmarks import REPO
from benchmarks.support import TENANT, registrar, registration
from infra.sandbox.emulated_aws import REGION, EmulatedAws
from infra.sandbox.events import FakeLambdaContext
from infra.sandbox.sample_events import PLACEHOLDER_ID
from tests.attachment_files import pdf

PORTAL_PSEUDONYM = "pp-cold-0001"
EVENTS = REPO / "events"
_ARN = f"arn:aws:sqs:{REGION}:000000000000"
Items = dict[str, list[dict[str, Any]]]  # table logical id -> items


@dataclass(frozen=True)
class ColdCase:
    function: str
    first: str  # what the first event is, for the table
    event: dict[str, Any]
    items: Items = field(default_factory=dict)  # put in place before each run


@dataclass(frozen=True)
class Seed:
    qualification_pseudonym_id: str
    upload_key: str  # an uploaded medical certificate of a submitted application
    items: Items


def seed(aws: EmulatedAws) -> Seed:
    """Registers one practitioner and submits one application (through the portal's handler, with
    its certificate uploaded) in the emulated AWS, and keeps every table's items."""
    registrant = registry.register(ports(), registrar("cold-seed"), registration(0))
    holder = registrant.model_copy(update={"portal_pseudonym_id": PORTAL_PSEUDONYM})
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.put_item(TableName=aws.table_names["RegisterTable"], Item=snapshot_item(holder))
    upload_key = _submitted_application(registrant.qualification_pseudonym_id)
    items: Items = {}
    for table in TABLES:
        pages = dynamodb.get_paginator("scan").paginate(TableName=aws.table_names[table.logical_id])
        found = [item for page in pages for item in page["Items"]]
        if found:
            items[table.logical_id] = found
    return Seed(registrant.qualification_pseudonym_id, upload_key, items)


def _submitted_application(qid: str) -> str:
    from functions.portal_api.handler import lambda_handler as portal_api

    answer = portal_api(_sample("portal_api", "submit_application", qid), FakeLambdaContext())  # type: ignore[arg-type]
    key = f"{TENANT}/{json.loads(answer['body'])['application_id']}/medical_certificate"
    boto3.client("s3", region_name=REGION).put_object(
        Bucket=os.environ[ATTACHMENTS_BUCKET.env_var], Key=key, Body=pdf(183_211), ContentType="application/pdf"
    )
    return key


def _sample(function: str, name: str, qid: str) -> dict[str, Any]:
    """The sample event, naming the seeded registrant where it names the placeholder."""
    text = (EVENTS / function / f"{name}.json").read_text(encoding="utf-8")
    event: dict[str, Any] = json.loads(text.replace(PLACEHOLDER_ID, qid))
    return event


def _outbox_event(kind: str, qid: str) -> OutboxEvent:
    return OutboxEvent(
        event_id=f"cold-{kind}",
        tenant_id=TENANT,
        kind=kind,
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        subject_id=qid,
        portal_pseudonym_id=PORTAL_PSEUDONYM,
    )


def _sqs(body: str, queue: str) -> dict[str, Any]:
    record = {
        "messageId": "00000000-0000-4000-8000-00000000c01d",
        "receiptHandle": "cold",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"{_ARN}:{queue}",
        "awsRegion": REGION,
    }
    return {"Records": [record]}


def _relayed(event: OutboxEvent) -> dict[str, Any]:
    """The outbox event as the bus's rule puts it on a queue (an EventBridge envelope)."""
    envelope = {
        "version": "0",
        "id": event.event_id,
        "detail-type": event.kind,
        "source": OUTBOX_SOURCE,
        "account": "000000000000",
        "time": event.occurred_at.isoformat(),
        "region": REGION,
        "resources": [],
        "detail": json.loads(event.model_dump_json()),
    }
    return _sqs(json.dumps(envelope), "NotifierQueue")


def _stream_insert(event: OutboxEvent) -> dict[str, Any]:
    """The outbox table's stream record of one new outbox item, as Lambda hands it over."""
    image = {"pk": {"S": f"T#{TENANT}#OUTBOX#{event.event_id}"}, "body": {"S": event.model_dump_json()}}
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": 1_796_284_800,
            "Keys": {"pk": image["pk"]},
            "NewImage": image,
            "SequenceNumber": "100000000000000000001",
            "SizeBytes": 512,
            "StreamViewType": "NEW_IMAGE",
        },
        "eventSourceARN": f"arn:aws:dynamodb:{REGION}:000000000000:table/OutboxTable/stream/2026-12-01T00:00:00.000",
    }
    return {"Records": [record]}


def _upload(bucket_key: str) -> dict[str, Any]:
    """The bucket's EventBridge "Object Created" event (as deployed)."""
    return {
        "version": "0",
        "id": "00000000-0000-4000-8000-0000000000a7",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "000000000000",
        "time": "2026-12-01T00:00:00Z",
        "region": REGION,
        "resources": [],
        "detail": {"bucket": {"name": "attachments"}, "object": {"key": bucket_key, "size": 183_211}},
    }


def _fanout_page() -> dict[str, Any]:
    page = FanoutPage(
        notice_id="cold-notice",
        tenant_id=TENANT,
        qualification=Qualification.ANMA_MASSAGE_SHIATSU,
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    return _sqs(page.model_dump_json(), "NoticeFanoutQueue")


def cases(seeded: Seed) -> list[ColdCase]:
    """One case per function in functions/, in the folder's order; each starts from the seed."""
    qid, items = seeded.qualification_pseudonym_id, seeded.items
    registered = _outbox_event("registrant.register", qid)
    found = [
        ColdCase("application_retention", "daily schedule", _sample("application_retention", "daily_schedule", qid)),
        ColdCase("application_review", "POST queue", _sample("application_review", "application_queue", qid)),
        ColdCase("attachment_received", "certificate uploaded", _upload(seeded.upload_key)),
        ColdCase("my_number_reveal", "POST reveal", _sample("my_number_reveal", "reveal_my_number", qid)),
        ColdCase("notice_fanout", "one page of holders", _fanout_page()),
        ColdCase("notifier", "registrant.register", _relayed(registered)),
        ColdCase("outbox_relay", "stream INSERT", _stream_insert(registered)),
        ColdCase("portal_api", "GET my applications", _sample("portal_api", "list_my_applications", qid)),
        ColdCase("portal_notifications", "GET inbox", _sample("portal_notifications", "list_notifications", qid)),
        ColdCase("registry_api", "GET registrant", _sample("registry_api", "get_registrant", qid)),
        ColdCase("resident_lookup", "POST look-up", _sample("resident_lookup", "resident_lookup", qid)),
        ColdCase("staff_notices", "POST notice", _sample("staff_notices", "send_notice", qid)),
        ColdCase("sync_api", "GET findings", _sample("sync_api", "list_sync_findings", qid)),
        ColdCase("sync_planner", "monthly schedule", _sample("sync_planner", "monthly_schedule", qid)),
        ColdCase("sync_worker", "build chunk", _sample("sync_worker", "build_chunk", qid)),
    ]
    found = [ColdCase(c.function, c.first, c.event, items) for c in found]
    functions = sorted(p.name for p in (REPO / "functions").iterdir() if (p / "handler.py").exists())
    missing = sorted(set(functions) - {c.function for c in found})
    if missing:  # a new function needs its first event here
        raise RuntimeError(f"no cold-start event for {', '.join(missing)}")
    return [c for c in found if c.function in functions]
