"""Figure 3: cold start of the registry API against a bare boto3 client, each in a fresh process.

(a) ``import boto3`` + ``boto3.client("dynamodb")``; (b) importing functions.registry_api.handler
and serving its first GET (moto and the registrant are set up before the timer starts). In (b)
moto has already imported boto3, so b + (a's ``import boto3``) is what a Lambda cold start pays;
the ratio is given both ways. Bytecode is cached in a private pycache prefix (warmed by one
untimed run), as in a Lambda layer built by pip, which compiles on install.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from ahaki.http.routes import ROUTES
from ahaki.registry.adapters.register_table import snapshot_item
from ahaki.registry.domain import lifecycle
from benchmarks import LAYER, REPO
from benchmarks.report import Row, section
from benchmarks.support import TENANT, registration
from infra.sandbox.emulated_aws import REGION
from infra.sandbox.events import api_event, claims

REPEATS = 5
TARGET = 2.0
CHILD = REPO / "benchmarks" / "_cold_child.py"


def _payload() -> dict[str, Any]:
    registrant = lifecycle.register(
        registration(0),
        tenant_id=TENANT,
        qualification_pseudonym_id="00000000-0000-4000-8000-000000000001",
        registration_number=1,
        today=date(2026, 11, 1),
    )
    route = next(r for r in ROUTES if r.operation_id == "get_registrant")
    event = api_event(
        route,
        {"qualification_pseudonym_id": registrant.qualification_pseudonym_id},
        claims=claims("bench-viewer", ["registrar"]),
    )
    return {"items": {"RegisterTable": [snapshot_item(registrant)]}, "event": event}


def _env(pycache: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env.update(PYTHONPATH=os.pathsep.join([str(LAYER), str(REPO)]), PYTHONPYCACHEPREFIX=pycache, **extra)
    return env


def _child(mode: str, payload: str, env: dict[str, str]) -> tuple[dict[str, Any], str]:
    args = [sys.executable, str(CHILD), mode, REGION]
    done = subprocess.run(args, input=payload, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"cold-start child {mode} failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("BENCH_RESULT "))
    return result, done.stderr


@dataclass(frozen=True)
class ImportCost:
    package: str
    seconds: float


def _import_costs(stderr: str) -> list[ImportCost]:
    """Self time of the imports after the timer started (-X importtime), summed per top package."""
    after = stderr.split("BENCH_TIMER_START", 1)[-1]
    costs: defaultdict[str, int] = defaultdict(int)
    for line in after.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if self_us.isdigit():
            costs[name.split(".")[0]] += int(self_us)
    ranked = sorted(costs.items(), key=lambda kv: -kv[1])
    return [ImportCost(name, us / 1e6) for name, us in ranked]


def cold_start() -> list[Row]:
    section(f"3. cold start, median of {REPEATS} fresh processes each")
    payload = json.dumps(_payload())
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = _env(pycache)
        _child("boto3", "", env)  # warm the bytecode cache (untimed)
        _child("handler", payload, env)
        base: list[dict[str, Any]] = []
        cold: list[dict[str, Any]] = []
        for _ in range(REPEATS):  # interleaved, so drift of the machine hits both alike
            base.append(_child("boto3", "", env)[0])
            cold.append(_child("handler", payload, env)[0])
        _, trace = _child("handler", payload, _env(pycache, PYTHONPROFILEIMPORTTIME="1"))

    def median(runs: list[dict[str, Any]], key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    a, a_import = median(base, "total_s"), median(base, "import_s")
    b_import, b_first, b = median(cold, "import_s"), median(cold, "first_request_s"), median(cold, "total_s")
    second = median(cold, "second_request_s")
    statuses = sorted({int(r["status"]) for r in cold})
    ratio, ratio_lambda = b / a, (b + a_import) / a
    top = _import_costs(trace)[:6]
    print(f"   (a) import boto3 {a_import * 1000:.0f} ms + client {(a - a_import) * 1000:.0f} ms = {a * 1000:.0f} ms")
    print(
        f"   (b) import handler {b_import * 1000:.0f} ms + first GET {b_first * 1000:.0f} ms = {b * 1000:.0f} ms"
        f" (status {statuses}); a second GET takes {second * 1000:.0f} ms"
    )
    print(
        "   heaviest imports under the handler (self time, one traced run): "
        + ", ".join(f"{c.package} {c.seconds * 1000:.0f} ms" for c in top)
    )
    fig = "3 cold start"
    return [
        Row(fig, "(a) import boto3 + dynamodb client", f"{a * 1000:.0f} ms"),
        Row(fig, "(b) import handler + first GET", f"{b * 1000:.0f} ms ({b_import * 1000:.0f} + {b_first * 1000:.0f})"),
        Row(fig, "first GET status", ",".join(map(str, statuses)), "200", statuses == [200]),
        Row(fig, "ratio b/a (boto3 pre-imported by moto)", f"{ratio:.2f}", f"<= {TARGET}", ratio <= TARGET),
        Row(
            fig,
            "ratio (b + import boto3)/a (as on Lambda)",
            f"{ratio_lambda:.2f}",
            f"<= {TARGET}",
            ratio_lambda <= TARGET,
        ),
    ]
