"""One cold start, run in a fresh interpreter by benchmarks.cold_start (never imported by it).

The process's AWS is the parent's moto: every request travels over the connection the parent
passed (file descriptor ``COLD_FD``, ``benchmarks.moto_pipe``). So nothing of moto, boto3 or ahaki
is in this process when the timer starts, as in a fresh Lambda sandbox; the parent put the items
the first event needs in place before starting it.

``boto3``: time ``import boto3`` and creating a DynamoDB client (the baseline).
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


def baseline(conn: Connection, region: str) -> dict[str, Any]:
    preloaded = _preloaded()
    c0, t0 = time.process_time(), time.perf_counter()
    forward_to(conn)  # botocore's handlers: imported by boto3 anyway
    import boto3

    t1 = time.perf_counter()
    boto3.client("dynamodb", region_name=region)
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "import_s": t1 - t0,
        "first_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "outcome": "client",
        "preloaded": preloaded,
    }


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
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "import_s": t1 - t0,
        "first_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "outcome": outcome,
        "preloaded": preloaded,
    }


if __name__ == "__main__":
    connection = Connection(int(os.environ["COLD_FD"]))
    result = baseline(connection, sys.argv[2]) if sys.argv[1] == "boto3" else handler(connection, sys.argv[1])
    connection.send(("result", result))
