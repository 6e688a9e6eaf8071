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
        "minister_name": "厚生労働大臣",
        "chair_name": "公益財団法人東洋療法研修試験財団理事長",
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
}
# Issue 3: online applications (a new registration as the portal sends it).
SAMPLE_PSEUDONYM = "sample-portal-pseudonym-0001"
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


def sample_event(route: Route) -> dict[str, Any]:
    """The event API Gateway would send for ``route``, for the least privileged role it allows."""
    role = Role.VIEWER if Role.VIEWER in route.roles else next(iter(sorted(route.roles)), Role.REGISTRAR)
    params = {name: PLACEHOLDER_ID for name in re.findall(r"\{(\w+)\}", route.path)}
    portal = route.auth is AuthType.PORTAL
    headers = {**(HEADERS.get(route.operation_id) or {})}
    if portal:
        headers["X-Portal-Pseudonym-Id"] = SAMPLE_PSEUDONYM
    event = api_event(
        route,
        params,
        BODIES.get(route.operation_id),
        claims=None if portal else claims(f"sample-{role.value}", [role.value]),
        headers=headers or None,
        caller_arn=PORTAL_CALLER_ARN if portal else None,
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
