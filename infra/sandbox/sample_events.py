"""Sample API Gateway REST proxy events, one per route: events/<function>/<operation_id>.json.

    python -m infra.sandbox.sample_events --write   # regenerate from the route table
    python -m infra.sandbox.sample_events --check   # exit 1 if a file is missing, stale or extra

The path parameter is a placeholder pseudonym; the bodies are sensible for a newly registered
registrant (the relicensure one for a revoked registrant). The person is invented and the My
Number is DOMAIN.md's published test value.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ahaki.http.routes import ROUTES, AuthType, Function, Role, Route
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN
from infra.sandbox.events import api_event, claims

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DIR = ROOT / "events"
PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000"
SAMPLE_MY_NUMBER = "123456789018"

BODIES: dict[str, dict[str, Any]] = {
    "register": {
        "name": {"family": "山田", "given": "花子"},
        "name_kana": {"family": "ヤマダ", "given": "ハナコ"},
        "sex": "female",
        "birth_date": "1990-04-01",
        "origin": {"honseki_prefecture": "13"},
        "exam_passed_in": "2015-03",
        "address": {"municipality_code": "131016", "line": "千代田区一番町4-2-101"},
        "my_number": SAMPLE_MY_NUMBER,
    },
    "search_registrants": {"status": "registered", "limit": 20},
    "correct": {
        "name": {"family": "佐藤", "given": "花子", "former_family": "山田"},
        "name_kana": {"family": "サトウ", "given": "ハナコ", "former_family": "ヤマダ"},
        "reason": "婚姻による氏の変更",
    },
    "rewrite_certificate": {"reason": "氏名の変更に伴う書換え"},
    "reissue_certificate": {"reason": "lost"},
    "erase": {"reason": "on_request", "note": "本人からの消除申請"},
    "dispose": {
        "kind": "practice_suspension",
        "decided_on": "2026-03-16",
        "period_from": "2026-04-01",
        "period_to": "2026-06-30",
        "reason": "業務停止処分",
    },
    "relicense": {"reason": "取消しの理由となった事項に該当しなくなったため"},
    "reveal_my_number": {"purpose": "住民基本台帳ネットワークシステムへの本人確認情報の照会"},
    "send_notice": {
        "audience": "all_holders",
        "subject": "システム停止のお知らせ",
        "body": "12月1日は終日停止します。",
    },
    # An invented address of the reserved example.jp domain (RFC 2606's .example, JPRS's example.jp).
    "put_notification_preferences": {"email": "holder@example.jp", "email_opt_in": True},
}
SAMPLE_PORTAL_PSEUDONYM = "pp-sample-0000"
PORTAL_HEADER = "X-Portal-Pseudonym-Id"
# Online applications (a new registration as the portal sends it).
BODIES.update(
    {
        "submit_application": {
            "application": {
                "kind": "new_registration",
                **{k: v for k, v in BODIES["register"].items() if k not in {"minister_name", "chair_name"}},
            }
        },
        "request_upload": {"type": "medical_certificate", "content_type": "application/pdf", "size": 183211},
        "record_payment": {"amount": 9000, "reference": "PAY-20260401-0001"},
        "application_queue": {"status": "received", "limit": 20},
        "edit_application": {
            "form": {
                "kind": "new_registration",
                **{
                    k: v for k, v in BODIES["register"].items() if k not in {"minister_name", "chair_name", "my_number"}
                },
            },
            "reason": "申請者からの電話で住所の誤記を確認",
        },
        "request_more_information": {"reason": "診断書の日付が読めません", "attachments": ["medical_certificate"]},
        "approve_application": {},
        "reject_application": {"reason": "国家試験の合格が確認できません"},
    }
)
HEADERS: dict[str, dict[str, str]] = {
    "correct": {"If-Match": '"1"'},
    "submit_application": {"Idempotency-Key": "sample-idempotency-key-0001"},
}
# Resident-register sync.
BODIES.update(
    {
        "resident_lookup": {"purpose": "審査における本人確認", "qualification_pseudonym_id": PLACEHOLDER_ID},
        "resolve_sync_finding": {"decision": "dismiss", "reason": "本人からの届出により確認済み"},
        "start_sync_run": {"qualification": "anma_massage_shiatsu"},
        "put_notation_settings": {
            "disabled": ["address.building"],
            "reason": "建物名だけが異なる住所を確認するため",
            "version": 0,
        },
    }
)
QUERIES: dict[str, dict[str, str]] = {
    "list_sync_findings": {"status": "open", "limit": "20"},
    "list_retention_reports": {"limit": "10"},
    "resident_query_report": {"actor": "sample-registrar", "since": "2026-11-01", "until": "2026-11-30"},
}
_RUN_KEY = f"inbound/foundation/{PLACEHOLDER_ID}/000001.csv"
# Events of the functions without routes: the schedule's input, an SQS "build" message, and the
# SQS delivery of the S3 notification of a result file.
OTHER_EVENTS: dict[str, dict[str, Any]] = {
    "application_retention/daily_schedule.json": {
        "tenant_ids": ["foundation"],
        "scheduled_time": "2026-12-01T03:00:00+09:00",  # the schedule's <aws.scheduler.scheduled-time>
    },
    "sync_planner/monthly_schedule.json": {
        "tenant_id": "foundation",
        "qualification": "anma_massage_shiatsu",
        "scheduled_time": "2026-12-01T02:00:00+09:00",  # the schedule's <aws.scheduler.scheduled-time>
    },
    "sync_worker/build_chunk.json": {
        "Records": [
            {
                "messageId": "00000000-0000-4000-8000-000000000001",
                "receiptHandle": "sample",
                "body": json.dumps(
                    {
                        "kind": "build",
                        "tenant_id": "foundation",
                        "run_id": PLACEHOLDER_ID,
                        "chunk_no": 1,
                        "qualification": "anma_massage_shiatsu",
                        "status": "registered",
                        "cursor": None,
                    }
                ),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:000000000000:SyncQueue",
                "awsRegion": "ap-northeast-1",
            }
        ]
    },
    "sync_worker/result_file.json": {
        "Records": [
            {
                "messageId": "00000000-0000-4000-8000-000000000002",
                "receiptHandle": "sample",
                "body": json.dumps(
                    {
                        "Records": [
                            {"eventName": "ObjectCreated:CompleteMultipartUpload", "s3": {"object": {"key": _RUN_KEY}}}
                        ]
                    }
                ),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:000000000000:SyncQueue",
                "awsRegion": "ap-northeast-1",
            }
        ]
    },
}


SAMPLE_SIGN_IN = 1_796_284_800  # 2026-12-03 08:00 UTC: fixed, so the files are deterministic


def sample_event(route: Route) -> dict[str, Any]:
    """The event API Gateway would send for ``route``, for the least privileged role it allows."""
    # The least privileged staff role the route allows (portal routes allow none: they are IAM-signed).
    role = next((r for r in (Role.VIEWER, Role.REGISTRAR, *sorted(route.roles)) if r in route.roles), Role.VIEWER)
    params = {name: PLACEHOLDER_ID for name in re.findall(r"\{(\w+)\}", route.path)}
    portal = route.auth is AuthType.PORTAL  # IAM-signed by the portal integration, for one pseudonym
    event = api_event(
        route,
        params,
        BODIES.get(route.operation_id),
        claims=None if portal else claims(f"sample-{role.value}", [role.value], now=SAMPLE_SIGN_IN),
        headers={
            **HEADERS.get(route.operation_id, {}),
            **({"X-Portal-Pseudonym-Id": SAMPLE_PORTAL_PSEUDONYM} if portal else {}),
        },
        caller_arn=PORTAL_CALLER_ARN if portal else None,
        query=QUERIES.get(route.operation_id),
    )
    event["requestContext"]["requestId"] = f"sample-{route.operation_id}"  # deterministic files
    return event


def sample_path(route: Route, root: Path = EVENTS_DIR) -> Path:
    return root / route.function.value / f"{route.operation_id}.json"


def render(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, indent=2) + "\n"


def drift(root: Path = EVENTS_DIR) -> list[str]:
    """What differs between the files and the route table: missing, stale or extra samples."""
    found: list[str] = []
    expected = {sample_path(route, root): render(sample_event(route)) for route in ROUTES}
    expected.update({root / name: render(event) for name, event in OTHER_EVENTS.items()})
    for path, text in expected.items():
        if not path.exists():
            found.append(f"missing {path.relative_to(root)}")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"out of date {path.relative_to(root)}")
    for function in Function:
        for path in sorted((root / function.value).glob("*.json")):
            if path not in expected:
                found.append(f"no route for {path.relative_to(root)}")
    return found


def write(root: Path = EVENTS_DIR) -> list[Path]:
    written = []
    for route in ROUTES:
        path = sample_path(route, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(sample_event(route)), encoding="utf-8")
        written.append(path)
    for name, event in OTHER_EVENTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(render(event), encoding="utf-8")
        written.append(root / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.sandbox.sample_events")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate events/<function>/<operation_id>.json")
    mode.add_argument("--check", action="store_true", help="exit 1 if the files differ from the route table")
    args = parser.parse_args(argv)
    if args.write:
        for path in write():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    problems = drift()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `python -m infra.sandbox.sample_events --write`", file=sys.stderr)
        return 1
    print(f"{len(ROUTES)} sample events are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
