"""One cold start, run in a fresh interpreter by benchmarks.cold_start (never imported by it).

The process's AWS is the parent's moto: every request travels over the connection the parent
passed (file descriptor ``COLD_FD``, ``benchmarks.moto_pipe``). So nothing of moto, boto3 or ahaki
is in this process when the timer starts, as in a fresh Lambda sandbox; the parent put the items
the first event needs in place before starting it.

``boto3``: time ``import boto3`` and creating a DynamoDB client (the baseline).
``floor``: the least a function written with this project's libraries pays: boto3, pydantic and
Powertools' REST resolver with validation and its Logger, serving one GET that reads DynamoDB once
and answers with a one-field model (the event, naming the table, is sent by the parent).
``<function>``: time importing ``functions.<function>.handler`` and serving its first event (sent
by the parent). Both also report this process's CPU time over the same span (it leaves out the
parent's moto and the machine's other load). The result goes back as ``("result", {...})``.
"""

from __future__ import annotations

import os
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.moto_pipe import forward_to

MARK = "BENCH_TIMER_START"
# What a Lambda's fresh sandbox does not hold before the handler's import: none may be loaded here.
MEASURED = frozenset({"ahaki", "functions", "infra", "boto3", "botocore", "moto", "pydantic", "aws_lambda_powertools"})


def _preloaded() -> list[str]:
    return sorted({name.split(".")[0] for name in sys.modules} & MEASURED)


class _Context:
    function_name = "cold"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-northeast-1:000000000000:function:cold"
    memory_limit_in_mb = 512
    aws_request_id = "cold"
    log_group_name = "cold"
    log_stream_name = "cold"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def _timed(t0: float, t1: float, c0: float, outcome: str, preloaded: list[str]) -> dict[str, Any]:
    """The times from the timer's start (t0: wall, c0: CPU) to now, split at t1 (imports done)."""
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "import_s": t1 - t0,
        "first_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "outcome": outcome,
        "preloaded": preloaded,
    }


def baseline(conn: Connection, region: str) -> dict[str, Any]:
    preloaded = _preloaded()
    c0, t0 = time.process_time(), time.perf_counter()
    forward_to(conn)  # botocore's handlers: imported by boto3 anyway
    import boto3

    t1 = time.perf_counter()
    boto3.client("dynamodb", region_name=region)
    return _timed(t0, t1, c0, "client", preloaded)


def floor(conn: Connection, region: str) -> dict[str, Any]:
    event = conn.recv()
    preloaded = _preloaded()
    c0, t0 = time.process_time(), time.perf_counter()
    forward_to(conn)
    import boto3
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from pydantic import BaseModel

    class Found(BaseModel):
        count: int

    logger = Logger(service="floor")
    app = APIGatewayRestResolver(enable_validation=True)

    @app.get("/floor/<table>")
    def read(table: str) -> Found:
        answer = boto3.client("dynamodb", region_name=region).scan(TableName=table, Limit=1)
        return Found(count=answer["Count"])

    read.__annotations__["return"] = Found  # a local class: the string annotation resolves nowhere

    t1 = time.perf_counter()
    context: Any = _Context()  # what Lambda passes, duck-typed as in handler() below
    outcome = _outcome(logger.inject_lambda_context(app.resolve)(event, context))
    return _timed(t0, t1, c0, outcome, preloaded)


def _outcome(response: Any) -> str:
    if isinstance(response, dict) and "statusCode" in response:
        return str(response["statusCode"])
    if isinstance(response, dict) and "batchItemFailures" in response:
        failed = len(response["batchItemFailures"])
        return "ok" if failed == 0 else f"{failed} failed"
    return "ok"


def handler(conn: Connection, function: str) -> dict[str, Any]:
    event = conn.recv()  # before the timer: the parent's payload, not the function's work
    preloaded = _preloaded()
    print(MARK, file=sys.stderr, flush=True)  # where -X importtime's trace of the handler begins
    c0, t0 = time.process_time(), time.perf_counter()
    forward_to(conn)
    import importlib

    module = importlib.import_module(f"functions.{function}.handler")
    t1 = time.perf_counter()
    try:
        outcome = _outcome(module.lambda_handler(event, _Context()))
    except Exception as error:  # reported in the table, as Lambda would report it
        outcome = f"raised {type(error).__name__}"
    return _timed(t0, t1, c0, outcome, preloaded)


if __name__ == "__main__":
    connection = Connection(int(os.environ["COLD_FD"]))
    mode = sys.argv[1]
    if mode == "boto3":
        result = baseline(connection, sys.argv[2])
    elif mode == "floor":
        result = floor(connection, sys.argv[2])
    else:
        result = handler(connection, mode)
    connection.send(("result", result))
