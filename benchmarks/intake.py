"""Figures of online applications, printed, never asserted on time.

    python -m benchmarks.intake            # N=1000 submissions (INTAKE_BENCH_N to change)

1. Each submission sent 3 times concurrently with its own Idempotency-Key (three threads standing
   for three Lambda environments) -> exactly N applications, 0 duplicates.
2. Approvals with a failure injected (transaction cancelled; vault/KMS error) -> register and
   application unchanged; the retry succeeds.
3. Submission through the handler in-process vs the bare AWS calls it makes (ratio).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _path in (os.path.join(_ROOT, "layers", "ahaki", "python"), _ROOT):  # as `python -m benchmarks.intake`
    if _path not in sys.path:
        sys.path.insert(0, _path)

import boto3  # noqa: E402
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from ahaki.http.idempotency import CONFIG, run_once  # noqa: E402
from ahaki.http.routes import PORTAL_ROLE, ROUTES  # noqa: E402
from ahaki.intake.api import receipt  # noqa: E402
from ahaki.intake.domain.application import PaymentState  # noqa: E402
from ahaki.intake.domain.commands import Approval, Submission  # noqa: E402
from ahaki.intake.services import application_records, decisions  # noqa: E402
from ahaki.intake.services import submission as submissions  # noqa: E402
from ahaki.intake.wiring import IntakeSettings, intake_ports  # noqa: E402
from ahaki.kernel.caller import Caller  # noqa: E402
from infra.sandbox.emulated_aws import PORTAL_CALLER_ARN, REGION, emulated_aws  # noqa: E402
from infra.sandbox.events import FakeLambdaContext, api_event  # noqa: E402
from infra.sandbox.seed import random_my_number  # noqa: E402

BY_OPERATION = {r.operation_id: r for r in ROUTES}


def _form() -> dict[str, Any]:
    return {
        "kind": "new_registration",
        "name": {"family": "試験", "given": "花子"},
        "name_kana": {"family": "シケン", "given": "ハナコ"},
        "sex": "female",
        "birth_date": "1990-04-01",
        "origin": {"honseki_prefecture": "13"},
        "exam_passed_in": "2015-03",
        "address": {"municipality_code": "131016", "line": "千代田区一番町1"},
        "my_number": random_my_number(set()),
    }


def _portal(pseudonym: str) -> Caller:
    return Caller(f"portal:{pseudonym}", PORTAL_ROLE, "foundation", "bench", portal_pseudonym_id=pseudonym)


def concurrent_duplicates(n: int) -> list[tuple[str, str]]:
    ip, table = intake_ports(), IntakeSettings.from_env().idempotency_table
    environments = [DynamoDBPersistenceLayer(table_name=table, boto3_client=boto3.client("dynamodb")) for _ in range(3)]
    outcomes: dict[str, int] = {}

    def send(job: tuple[int, int, dict[str, Any], str]) -> str:
        _, copy, form, key = job
        caller = _portal(f"bench-{key[:12]}")
        body = json.dumps({"application": form}, ensure_ascii=False)
        submission = Submission.model_validate({"application": form})
        try:
            run_once(
                table,
                json.dumps(["foundation", caller.portal_pseudonym_id, key]),
                body,
                lambda: receipt(
                    submissions.submit(
                        ip,
                        caller,
                        submission,
                        form,
                        submissions.application_id_for("foundation", str(caller.portal_pseudonym_id), key),
                    )
                ).model_dump(mode="json"),
                persistence=environments[copy],
            )
            return "created_or_replayed"
        except Exception as error:  # the in-progress refusal is the expected answer of a racing copy
            return type(error).__name__

    jobs = []
    for i in range(n):
        form, key = _form(), str(uuid.uuid4())
        jobs += [(i, copy, form, key) for copy in range(3)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        for outcome in pool.map(send, jobs):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    items = _scan("ApplicationsTable")
    ids = {json.loads(i["body"]["S"])["application_id"] for i in items}
    return [
        ("submissions x3 concurrent: applications", f"{len(items)} of {n}"),
        ("submissions x3 concurrent: duplicates", str(len(items) - n)),
        ("submissions x3 concurrent: distinct ids", str(len(ids))),
        ("submissions x3 concurrent: answers", ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items()))),
    ]


def failed_approvals(n: int) -> list[tuple[str, str]]:
    ip = intake_ports()
    staff = Caller("bench-approver", "approver", "foundation", "bench")
    cancelled = ClientError(
        {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": [{"Code": "TransactionConflict"}]},
        "TransactWriteItems",
    )
    kms_down = ClientError({"Error": {"Code": "KMSInternalException"}}, "GetItem")
    unchanged = retried = 0
    for i in range(n):
        form = _form()
        caller = _portal(f"bench-fail-{i:06d}")
        application = submissions.submit(ip, caller, Submission.model_validate({"application": form}), form)
        _make_received(ip, application.application_id)
        uow_class = type(ip.register.unit_of_work())
        patch = (
            mock.patch.object(uow_class, "commit", side_effect=cancelled)
            if i % 2 == 0
            else mock.patch.object(type(ip.vault), "pending", side_effect=kms_down)
        )
        # The injected failure is suppressed: what counts is what it left behind.
        with (
            patch,
            mock.patch("ahaki.registry.services.registry.RETRY_BUDGET_SECONDS", 0.2),
            contextlib.suppress(Exception),
        ):
            decisions.approve(ip, staff, application.application_id, Approval())
        after = ip.applications.get("foundation", application.application_id)
        if (
            after is not None
            and after.status.value == "received"
            and ip.register.reader.get("foundation", application.subject_id) is None
        ):
            unchanged += 1
        decisions.approve(ip, staff, application.application_id, Approval())
        if ip.register.reader.get("foundation", application.subject_id) is not None:
            retried += 1
    return [
        ("failed approvals: register and application unchanged", f"{unchanged} of {n}"),
        ("failed approvals: retry succeeded", f"{retried} of {n}"),
    ]


def _make_received(ip: Any, application_id: str) -> None:
    """Attachment and fee in, as the S3 event and the payment notification would do."""
    found = ip.applications.get("foundation", application_id)
    application_records.save(
        ip,
        Caller("bench", "system", "foundation", "bench"),
        found,
        "bench",
        received_attachments=found.required_attachments,
        payment=found.payment.model_copy(update={"state": PaymentState.PAID, "amount": 9000}),
    )


def handler_vs_bare(n: int, rounds: int = 5) -> list[tuple[str, str]]:
    """Alternating rounds of submissions through the handler and of the bare calls, so that the
    tables' growth and the machine's load weigh on both alike; the median of the round ratios."""
    from functions.portal_api.handler import lambda_handler

    route = BY_OPERATION["submit_application"]
    per_round = max(1, n // rounds)
    handler_rates: list[float] = []
    bare_rates: list[float] = []
    for r in range(rounds):
        started = time.perf_counter()
        for i in range(per_round):
            pseudonym = f"bench-ratio-{r:02d}-{i:06d}"
            headers = {"X-Portal-Pseudonym-Id": pseudonym, "Idempotency-Key": str(uuid.uuid4())}
            event = api_event(route, None, {"application": _form()}, headers=headers, caller_arn=PORTAL_CALLER_ARN)
            assert lambda_handler(event, FakeLambdaContext())["statusCode"] == 201  # type: ignore[arg-type]
        handler_rates.append(per_round / (time.perf_counter() - started))
        bare_rates.append(_bare_calls(per_round))
    ratios = sorted(h / b for h, b in zip(handler_rates, bare_rates, strict=True))
    return [
        ("submission: handler per second (median of rounds)", f"{statistics.median(handler_rates):.1f}"),
        ("submission: bare AWS calls per second (median of rounds)", f"{statistics.median(bare_rates):.1f}"),
        ("submission: handler / bare ratio (median of rounds; target >= 0.75)", f"{statistics.median(ratios):.2f}"),
    ]


def _bare_calls(n: int) -> float:
    """The AWS calls one submission makes, made directly: KMS Encrypt + GenerateMac, the
    idempotency record put and update, the audit head query, the TransactWriteItems of 4 items."""
    env = os.environ
    kms, ddb = boto3.client("kms", region_name=REGION), boto3.client("dynamodb", region_name=REGION)
    started = time.perf_counter()
    for i in range(n):
        qid = str(uuid.uuid4())
        kms.encrypt(KeyId=env["VAULT_KEY_ID"], Plaintext=b"123456789018", EncryptionContext={"q": qid})
        kms.generate_mac(KeyId=env["BLIND_INDEX_KEY_ID"], Message=b"123456789018", MacAlgorithm="HMAC_SHA_256")
        ddb.put_item(TableName=env["IDEMPOTENCY_TABLE"], Item={"id": {"S": qid}, "status": {"S": "INPROGRESS"}})
        ddb.query(
            TableName=env["AUDIT_TABLE"],
            KeyConditionExpression="chain = :c",
            ExpressionAttributeValues={":c": {"S": f"bare#{i}"}},
            Limit=1,
        )
        body = {"S": "x" * 1500}
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": env["APPLICATIONS_TABLE"],
                        "Item": {"pk": {"S": f"bare#{qid}"}, "sk": {"S": "A"}, "body": body},
                    }
                },
                {"Put": {"TableName": env["VAULT_TABLE"], "Item": {"pk": {"S": f"bare#{qid}"}, "sk": {"S": "P"}}}},
                {"Put": {"TableName": env["AUDIT_TABLE"], "Item": {"chain": {"S": f"bare#{i}"}, "seq": {"N": "1"}}}},
                {"Put": {"TableName": env["OUTBOX_TABLE"], "Item": {"pk": {"S": f"bare#{qid}"}}}},
            ]
        )
        ddb.update_item(
            TableName=env["IDEMPOTENCY_TABLE"],
            Key={"id": {"S": qid}},
            UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "COMPLETED"}},
        )
    return n / (time.perf_counter() - started)


def _scan(logical_id: str) -> list[dict[str, Any]]:
    ddb = boto3.client("dynamodb", region_name=REGION)
    name = os.environ[f"{'APPLICATIONS_TABLE' if logical_id == 'ApplicationsTable' else logical_id}"]
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": name}
    while True:
        page = ddb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run() -> list[tuple[str, str]]:
    n = int(os.environ.get("INTAKE_BENCH_N", "1000"))
    figures: list[tuple[str, str]] = []
    CONFIG.register_lambda_context(FakeLambdaContext())  # type: ignore[arg-type]
    with emulated_aws(prefix="bench-intake"):
        figures += concurrent_duplicates(n)
        figures += failed_approvals(max(10, n // 20))
        figures += handler_vs_bare(max(50, n // 5))
    return figures


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
