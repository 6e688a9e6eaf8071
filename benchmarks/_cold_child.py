"""One cold start, run in a fresh interpreter by benchmarks.cold_start (never imported by it).

``boto3``: time ``import boto3`` and creating a DynamoDB client (the baseline).
``handler``: start moto and put one registrant (untimed), then time importing the registry API
handler and serving its first GET. The payload (items to put, the event) comes on stdin as JSON,
built by the parent, so nothing of ahaki's models is imported before the timer starts.
The result is printed as one ``BENCH_RESULT {json}`` line.

Before the timer, the objects alive so far are frozen out of the garbage collector (``gc.freeze``):
moto's large heap would otherwise make every collection during the handler's import slower,
a cost a Lambda without moto does not pay.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
import time
from typing import Any

MARK = "BENCH_TIMER_START"


def _result(**values: Any) -> None:
    print("BENCH_RESULT " + json.dumps(values), flush=True)


def baseline(region: str) -> None:
    gc.collect()
    gc.freeze()  # as in the handler run, so both are timed alike
    t0 = time.perf_counter()
    import boto3

    t1 = time.perf_counter()
    boto3.client("dynamodb", region_name=region)
    t2 = time.perf_counter()
    _result(import_s=t1 - t0, client_s=t2 - t1, total_s=t2 - t0)


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


def handler(payload: dict[str, Any]) -> None:
    import boto3  # moto needs it anyway; its cost is measured by the baseline

    from infra.sandbox.emulated_aws import emulated_aws

    with emulated_aws("cold") as aws:
        setup = boto3.session.Session().client("dynamodb")
        for logical_id, items in payload["items"].items():
            for item in items:
                setup.put_item(TableName=aws.table_names[logical_id], Item=item)
        # A fresh default session: the handler loads the service models itself, as on Lambda.
        boto3.DEFAULT_SESSION = None
        # moto's objects would not be on Lambda: keep the collector from scanning them in the timing.
        gc.collect()
        gc.freeze()
        print(MARK, file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        module = importlib.import_module("functions.registry_api.handler")
        t1 = time.perf_counter()
        response = module.lambda_handler(payload["event"], _Context())
        t2 = time.perf_counter()
        # A second request shows what the first paid once (clients, models, lazy imports).
        module.lambda_handler(payload["event"], _Context())
        t3 = time.perf_counter()
    _result(
        import_s=t1 - t0,
        first_request_s=t2 - t1,
        total_s=t2 - t0,
        second_request_s=t3 - t2,
        status=response["statusCode"],
    )


if __name__ == "__main__":
    if sys.argv[1] == "boto3":
        baseline(sys.argv[2])
    else:
        handler(json.load(sys.stdin))
