"""The first event of every function for the cold-start table, and the items it needs in place.

API functions get their sample from events/ (a read where the function has one, so the first
request does the function's usual work); the scheduled and queue functions get the schedule's
input or a record as their event source mapping hands it over. One registrant (with a portal
pseudonym) is put in the register first, so reads and notifications find someone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ahaki.adapters.messaging import OUTBOX_SOURCE
from ahaki.adapters.register_table import snapshot_item
from ahaki.domain import lifecycle
from ahaki.domain.notifications import FanoutPage
from ahaki.domain.outbox import OutboxEvent
from ahaki.domain.values import Qualification
from ahaki.http.routes import ROUTES
from benchmarks import REPO
from benchmarks.support import TENANT, registration
from infra.sandbox.emulated_aws import REGION
from infra.sandbox.events import api_event, claims

QID = "00000000-0000-4000-8000-000000000001"
PORTAL_PSEUDONYM = "pp-cold-0001"
EVENTS = REPO / "events"
_ARN = f"arn:aws:sqs:{REGION}:000000000000"


@dataclass(frozen=True)
class ColdCase:
    function: str
    first: str  # what the first event is, for the table
    event: dict[str, Any]
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table logical id -> items


def _registrant_items() -> dict[str, list[dict[str, Any]]]:
    registrant = lifecycle.register(
        registration(0),
        tenant_id=TENANT,
        qualification_pseudonym_id=QID,
        registration_number=1,
        today=date(2026, 11, 1),
    ).model_copy(update={"portal_pseudonym_id": PORTAL_PSEUDONYM})
    return {"RegisterTable": [snapshot_item(registrant)]}


def _sample(function: str, name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / function / f"{name}.json").read_text(encoding="utf-8"))
    return event


def _get_registrant() -> dict[str, Any]:
    route = next(r for r in ROUTES if r.operation_id == "get_registrant")
    return api_event(route, {"qualification_pseudonym_id": QID}, claims=claims("bench-viewer", ["viewer"]))


def _outbox_event(kind: str, detail: dict[str, str | int | bool | None] | None = None) -> OutboxEvent:
    return OutboxEvent(
        event_id=f"cold-{kind}",
        tenant_id=TENANT,
        kind=kind,
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        subject_id=QID,
        portal_pseudonym_id=PORTAL_PSEUDONYM,
        detail=detail or {},
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
        "detail": {"bucket": {"name": "attachments"}, "object": {"key": bucket_key, "size": 9}},
    }


def _fanout_page() -> dict[str, Any]:
    page = FanoutPage(
        notice_id="cold-notice",
        tenant_id=TENANT,
        qualification=Qualification.ANMA_MASSAGE_SHIATSU,
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    return _sqs(page.model_dump_json(), "NoticeFanoutQueue")


def cases() -> list[ColdCase]:
    """One case per function in functions/, in the folder's order."""
    seeded = _registrant_items()
    found = [
        ColdCase("application_retention", "daily schedule", _sample("application_retention", "daily_schedule")),
        ColdCase("application_review", "POST queue", _sample("application_review", "application_queue")),
        ColdCase(
            "attachment_received",
            "upload event (no application)",
            _upload(f"{TENANT}/00000000-0000-4000-8000-000000000000/medical_certificate"),
        ),
        ColdCase("my_number_reveal", "reveal (unknown id)", _sample("my_number_reveal", "reveal_my_number")),
        ColdCase("notice_fanout", "one page of holders", _fanout_page(), seeded),
        ColdCase("notifier", "registrant.register", _relayed(_outbox_event("registrant.register")), seeded),
        ColdCase("outbox_relay", "stream INSERT", _stream_insert(_outbox_event("registrant.register"))),
        ColdCase("portal_api", "GET my applications", _sample("portal_api", "list_my_applications")),
        ColdCase("portal_notifications", "GET inbox", _sample("portal_notifications", "list_notifications")),
        ColdCase("registry_api", "GET registrant", _get_registrant(), seeded),
        ColdCase("resident_lookup", "GET look-up (unknown id)", _sample("resident_lookup", "get_resident_lookup")),
        ColdCase("staff_notices", "POST notice", _sample("staff_notices", "send_notice"), seeded),
        ColdCase("sync_api", "GET findings", _sample("sync_api", "list_sync_findings")),
        ColdCase("sync_planner", "monthly schedule", _sample("sync_planner", "monthly_schedule"), seeded),
        ColdCase("sync_worker", "build chunk", _sample("sync_worker", "build_chunk")),
    ]
    functions = sorted(p.name for p in (REPO / "functions").iterdir() if (p / "handler.py").exists())
    missing = sorted(set(functions) - {c.function for c in found})
    if missing:  # a new function needs its first event here
        raise RuntimeError(f"no cold-start event for {', '.join(missing)}")
    return [c for c in found if c.function in functions]
