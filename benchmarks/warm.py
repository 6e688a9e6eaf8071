"""Figure 4: warm GET of a registrant through lambda_handler vs. the bare AWS calls it makes.

The handler's calls are recorded once with a botocore hook (operation and parameters); the bare
loop then makes the same calls with one boto3 client: the snapshot GetItem, the chain-head Query
and the audit PutItem at the next free position of the same chain, so both loops write to one
chain that grows alike. The loops alternate in rounds; the figure is the median per-round ratio.
"""

from __future__ import annotations

import copy
import json
import statistics
import time
from typing import Any, cast

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.http.routes import ROUTES
from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.components import reset
from benchmarks.report import Row, section
from benchmarks.support import registration_body
from functions.registry_api import handler
from infra.sandbox.emulated_aws import emulated_aws
from infra.sandbox.events import FakeLambdaContext, api_event, claims

ROUNDS = 5
PER_ROUND = 60  # 300 handler requests in all
TARGET = 0.75
EXPECTED_CALLS = ["GetItem", "Query", "PutItem"]


class Recorder:
    """Records the operation and parameters of every call while on; costs one check when off."""

    def __init__(self) -> None:
        self.on = False
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self.on:
            self.calls.append((model.name, copy.deepcopy(params)))


def warm_throughput() -> list[Row]:
    section(f"4. warm GET throughput, {ROUNDS} alternating rounds of {PER_ROUND} requests")
    route = {r.operation_id: r for r in ROUTES}
    context = cast(LambdaContext, FakeLambdaContext())
    with emulated_aws("bench-warm"):
        recorder = Recorder()
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("provide-client-params", recorder)
        reset()  # the handler's clients are made now, from this session
        who = claims("bench-registrar", ["registrar"])
        created = handler.lambda_handler(api_event(route["register"], body=registration_body(0), claims=who), context)
        assert created["statusCode"] == 201, created["body"]
        qid = json.loads(created["body"])["qualification_pseudonym_id"]

        def event() -> dict[str, Any]:
            return api_event(route["get_registrant"], {"qualification_pseudonym_id": qid}, claims=who)

        for _ in range(20):  # warm up
            handler.lambda_handler(event(), context)
        recorder.on = True
        probe = handler.lambda_handler(event(), context)
        recorder.on = False
        assert probe["statusCode"] == 200, probe["body"]
        operations = [name for name, _ in recorder.calls]
        print(f"   one GET makes: {', '.join(operations)}")
        params = dict(recorder.calls)
        bare = boto3.client("dynamodb", config=CLIENT_CONFIG)

        def handler_loop(n: int) -> float:
            events = [event() for _ in range(n)]  # built outside the timed part
            start = time.perf_counter()
            for e in events:
                handler.lambda_handler(e, context)
            return time.perf_counter() - start

        def bare_loop(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                bare.get_item(**params["GetItem"])
                head = bare.query(**params["Query"])["Items"]
                put = params["PutItem"]
                seq = int(head[0]["seq"]["N"]) + 1 if head else 1
                bare.put_item(**{**put, "Item": {**put["Item"], "seq": {"N": str(seq)}}})
            return time.perf_counter() - start

        handler_rates: list[float] = []
        bare_rates: list[float] = []
        for _ in range(ROUNDS):
            handler_rates.append(PER_ROUND / handler_loop(PER_ROUND))
            bare_rates.append(PER_ROUND / bare_loop(PER_ROUND))
        final = handler.lambda_handler(event(), context)
    ratios = [h / b for h, b in zip(handler_rates, bare_rates, strict=True)]
    ratio = statistics.median(ratios)
    h_med, b_med = statistics.median(handler_rates), statistics.median(bare_rates)
    print(f"   handler req/s per round: {', '.join(f'{r:.0f}' for r in handler_rates)}")
    print(f"   bare    req/s per round: {', '.join(f'{r:.0f}' for r in bare_rates)}")
    fig = "4 warm GET"
    return [
        Row(fig, "AWS calls per GET", ", ".join(operations), ", ".join(EXPECTED_CALLS), operations == EXPECTED_CALLS),
        Row(fig, "status after the run", str(final["statusCode"]), "200", final["statusCode"] == 200),
        Row(fig, "handler requests/s (median)", f"{h_med:.0f}"),
        Row(fig, "bare AWS calls requests/s (median)", f"{b_med:.0f}"),
        Row(fig, "handler's own time/request (1/h - 1/b; noisy)", f"{(1 / h_med - 1 / b_med) * 1000:.1f} ms"),
        Row(
            fig,
            "ratio handler/bare (median of rounds)",
            f"{ratio:.2f} (best {max(ratios):.2f})",
            f">= {TARGET}",
            ratio >= TARGET,
        ),
    ]
