"""Resident-register sync against moto: a planner that dies resumes, chunks in the DLQ count failed."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from ahaki.kernel.qualification import Qualification
from ahaki.registry.wiring import ports
from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.domain.jlis import FileKey
from ahaki.residents.domain.sync_records import PlanCheckpoint
from ahaki.residents.services import sync
from ahaki.residents.wiring import ListQueue, sync_ports
from functions.sync_planner.handler import lambda_handler as planner
from functions.sync_worker.handler import MAX_RECEIVES, handle
from functions.sync_worker.handler import lambda_handler as worker
from infra.sandbox.events import FakeLambdaContext
from tests.integration.conftest import Api

ANMA = Qualification.ANMA_MASSAGE_SHIATSU


class Crash(Exception):
    """The planner's process ends here."""


class CrashingQueue(ListQueue):
    def __init__(self, sends_before_crash: int) -> None:
        super().__init__()
        self._left = sends_before_crash

    def send(self, message: dict[str, Any]) -> None:
        if self._left == 0:
            raise Crash
        self._left -= 1
        super().send(message)


def _caller() -> Any:
    return sync.system_caller("foundation", "test")


def _counts(api: Api, run_id: str) -> dict[str, Any]:
    reply = api.call("get_sync_run", params={"run_id": run_id}, role="operator")
    assert reply.status == 200, reply.body
    return dict(reply.body)


def _work(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        handle(message)
        key = FileKey(message["tenant_id"], message["run_id"], message["chunk_no"])
        handle({"Records": [{"s3": {"object": {"key": key.of("inbound")}}}]})


def test_a_planner_that_dies_resumes_from_its_checkpoint_and_plans_no_chunk_twice(api: Api) -> None:
    for _ in range(7):
        api.register()
    dying = replace(sync_ports(), chunk_size=2, queue=CrashingQueue(sends_before_crash=2))
    with pytest.raises(Crash):
        sync.start_run(ports(), dying, _caller(), ANMA, "run-resumed")
    first = dying.queue.messages  # type: ignore[attr-defined]
    assert [m["chunk_no"] for m in first] == [1, 2]
    # Chunk 3 was checkpointed (its counts with it) but its message never left.
    assert _counts(api, "run-resumed")["counts"]["planned"] == 6

    again = replace(sync_ports(), chunk_size=2, queue=ListQueue())
    run = sync.start_run(ports(), again, _caller(), ANMA, "run-resumed")
    second = again.queue.messages  # type: ignore[attr-defined]
    assert [m["chunk_no"] for m in second] == [3, 4]  # the unsent chunk first, then onwards
    assert Counter(m["cursor"] for m in first + second).most_common(1)[0][1] == 1  # each page once
    assert run.planning_done and run.chunks_planned == 4 and run.counts.planned == 7

    # A third invocation of a finished run sends nothing; the work of all chunks covers everyone once.
    done = replace(sync_ports(), chunk_size=2, queue=ListQueue())
    sync.start_run(ports(), done, _caller(), ANMA, "run-resumed")
    assert done.queue.messages == []  # type: ignore[attr-defined]
    _work(first + second)
    counts = _counts(api, "run-resumed")["counts"]
    assert counts["planned"] == counts["requested"] == counts["received"] == counts["unchanged"] == 7


def test_a_planner_that_dies_after_sending_sends_that_chunk_at_most_once_more(api: Api) -> None:
    for _ in range(3):
        api.register()
    store = sync_ports().store
    calls = {"n": 0}

    class DiesAfterSending(type(store)):  # type: ignore[misc]
        def plan_step(self, tenant_id: str, run_id: str, before: int, plan: PlanCheckpoint, records: int) -> bool:
            calls["n"] += 1
            if calls["n"] == 2:
                raise Crash  # chunk 1 is on the queue; only the next checkpoint would have said so
            return bool(super().plan_step(tenant_id, run_id, before, plan, records))

    dying_store = DiesAfterSending.__new__(DiesAfterSending)
    dying_store.__dict__.update(store.__dict__)
    dying = replace(sync_ports(), chunk_size=2, store=dying_store, queue=ListQueue())
    with pytest.raises(Crash):
        sync.start_run(ports(), dying, _caller(), ANMA, "run-twice")
    again = replace(sync_ports(), chunk_size=2, queue=ListQueue())
    sync.start_run(ports(), again, _caller(), ANMA, "run-twice")
    messages = dying.queue.messages + again.queue.messages  # type: ignore[attr-defined]
    assert [m["chunk_no"] for m in messages] == [1, 1, 2]
    _work(messages)  # the duplicate finds the chunk's checkpoint: nothing twice
    counts = _counts(api, "run-twice")["counts"]
    assert counts["planned"] == counts["requested"] == counts["received"] == 3


def test_every_retry_of_one_schedule_firing_is_the_same_run(api: Api) -> None:
    api.register()
    event = {"tenant_id": "foundation", "qualification": ANMA.value, "scheduled_time": "2026-12-01T02:00:00+09:00"}
    first = planner(event, FakeLambdaContext())  # type: ignore[arg-type]
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    sent = len(queue.messages)
    second = planner(event, FakeLambdaContext())  # type: ignore[arg-type]
    assert first == second and len(queue.messages) == sent == 1
    other = planner({**event, "scheduled_time": "2027-01-01T02:00:00+09:00"}, FakeLambdaContext())  # type: ignore[arg-type]
    assert other["run_id"] != first["run_id"]


def _sqs_event(body: dict[str, Any], receives: int) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m-{receives}",
                "receiptHandle": "r",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": str(receives)},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:000000000000:SyncQueue",
                "awsRegion": "ap-northeast-1",
            }
        ]
    }


def test_a_chunk_in_the_dead_letter_queue_counts_failed_until_a_redrive_succeeds(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        api.register()
    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    run_id = str(reply.body["run_id"])
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    build = queue.messages[0]

    def unavailable(*_: Any, **__: Any) -> None:
        raise ConnectionError("the exchange bucket cannot be reached")

    monkeypatch.setattr(S3Exchange, "send", unavailable)
    for receives in range(1, MAX_RECEIVES + 2):  # the last receives, then once more from the DLQ
        with pytest.raises(BatchProcessingError):  # the whole batch (of one) failed: SQS delivers it again
            worker(_sqs_event(build, receives), FakeLambdaContext())  # type: ignore[arg-type]
        expected = 1 if receives >= MAX_RECEIVES else 0  # counted on its last receive, once
        run = _counts(api, run_id)
        assert run["counts"]["failed"] == expected, receives
        assert run["reconciles"] is True

    monkeypatch.undo()
    redriven = worker(_sqs_event(build, 1), FakeLambdaContext())  # type: ignore[arg-type] # receives start anew
    assert redriven["batchItemFailures"] == []
    key = FileKey("foundation", run_id, 1)
    result = {"Records": [{"s3": {"object": {"key": key.of("inbound")}}}]}
    assert worker(_sqs_event(result, 1), FakeLambdaContext())["batchItemFailures"] == []  # type: ignore[arg-type]
    run = _counts(api, run_id)
    counts = run["counts"]
    assert counts["failed"] == 0
    assert counts["planned"] == counts["requested"] == counts["received"] == counts["unchanged"] == 3
    assert run["reconciles"] is True and run["planning_done"] is True


def test_a_worker_that_dies_on_the_last_receive_leaves_the_chunk_counted_failed(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.register()
    run_id = str(api.call("start_sync_run", body={}, role="operator", actor="ops-1").body["run_id"])
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    build = queue.messages[0]

    class Killed(BaseException):
        """The Lambda timed out: no code of the worker runs after this."""

    def killed(*_: Any, **__: Any) -> None:
        raise Killed

    monkeypatch.setattr(S3Exchange, "send", killed)
    with pytest.raises(Killed):
        handle(build, final_attempt=True)
    assert _counts(api, run_id)["counts"]["failed"] == 1
    monkeypatch.undo()
    handle(build)
    assert _counts(api, run_id)["counts"]["failed"] == 0
