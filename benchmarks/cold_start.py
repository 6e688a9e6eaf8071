"""Figure 3: the cold start of every function against a bare boto3 client, each in a fresh process.

(a) ``import boto3`` + ``boto3.client("dynamodb")``; (b) for each function in functions/, importing
its handler and serving a first event (``benchmarks.cold_events``). The measured process holds
nothing but the interpreter when its timer starts: its AWS is this process's moto, reached over a
socket (``benchmarks.moto_pipe``), and the items its first event needs were put here before it
started. So (b) pays ``import boto3`` as a Lambda does, and b/a is the figure. Bytecode is cached in
a private pycache prefix (warmed by one untimed run each), as in a Lambda layer built by pip, which
compiles on install. "process" is the time from starting the interpreter to the first answer,
measured from outside, for both (a) and (b); "cpu" is the measured process's own CPU time over
the timed span, which neither moto's answers (in this process) nor the shared machine's other
load inflate: the steadier ratio when the machine is busy.

(f), the floor: the least a function written with this project's libraries pays (boto3, pydantic,
Powertools' REST resolver with validation and its Logger; one GET reading DynamoDB once, one
model). A function's figure over the floor's is what our own code costs.

``COLD_START_FUNCTIONS=a,b`` measures only those functions (beside (a) and (f)).
With ``COLD_START_INSTRUCTIONS=1`` each process also runs once under callgrind (valgrind): the
instructions of the whole process, start to answer, repeat exactly whatever else the machine does,
so that ratio is the one to compare between commits on a shared machine.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import IO, Any

import boto3

from benchmarks import LAYER, REPO
from benchmarks.cold_events import ColdCase, cases, seed
from benchmarks.moto_pipe import serve
from benchmarks.report import Row, section
from infra.sandbox.emulated_aws import REGION, EmulatedAws, emulated_aws, reset_tables

REPEATS = 5
TARGET = 1.5
CHILD = REPO / "benchmarks" / "_cold_child.py"
MARK = "BENCH_TIMER_START"
BASELINE = "boto3"
FLOOR = "floor"
CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")
_COLLECTED = re.compile(rb"Collected : ([0-9]+)")


@dataclass(frozen=True)
class Run:
    import_s: float
    first_s: float
    total_s: float
    cpu_s: float  # the measured process's own CPU time over import + first event
    process_s: float
    outcome: str
    preloaded: tuple[str, ...]  # packages of ours or of the AWS SDK already loaded when the timer started


class _Alive:
    """A subprocess as ``moto_pipe.serve`` watches it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    @property
    def exitcode(self) -> int | None:
        return self._process.poll()

    def is_alive(self) -> bool:
        return self._process.poll() is None


def _env(pycache: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env.update(PYTHONPATH=os.pathsep.join([str(LAYER), str(REPO)]), PYTHONPYCACHEPREFIX=pycache, **extra)
    return env


def _seed(aws: EmulatedAws, case: ColdCase) -> None:
    """Fresh tables, then the seed's items (untimed, in this process): each run starts alike."""
    reset_tables(aws)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, items in case.items.items():
        for item in items:
            dynamodb.put_item(TableName=aws.table_names[logical_id], Item=item)


def _child(
    mode: str, env: dict[str, str], event: dict[str, Any] | None, stderr: IO[bytes], wrap: tuple[str, ...] = ()
) -> Run:
    ours, theirs = socket.socketpair()
    start = time.perf_counter()
    process = subprocess.Popen(
        [*wrap, sys.executable, str(CHILD), mode, REGION],
        env={**env, "COLD_FD": str(theirs.fileno())},
        pass_fds=[theirs.fileno()],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        cwd=REPO,
    )
    theirs.close()
    conn = Connection(ours.detach())
    try:
        if event is not None:
            conn.send(event)
        result: dict[str, Any] = serve(conn, _Alive(process))
        process_s = time.perf_counter() - start
    except (RuntimeError, EOFError, OSError) as error:
        stderr.seek(0)
        tail = stderr.read()[-2000:].decode(errors="replace")
        raise RuntimeError(f"cold-start child {mode} failed: {error}: {tail}") from error
    finally:
        conn.close()
        process.wait(timeout=60)
    return Run(
        result["import_s"],
        result["first_s"],
        result["total_s"],
        result["cpu_s"],
        process_s,
        str(result["outcome"]),
        tuple(result["preloaded"]),
    )


def _floor_event(aws: EmulatedAws) -> dict[str, Any]:
    """A REST API proxy event for the floor's one GET, naming the register table."""
    table = aws.table_names["RegisterTable"]
    return {
        "resource": "/floor/{table}",
        "path": f"/floor/{table}",
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"table": table},
        "stageVariables": None,
        "requestContext": {"requestId": "cold", "stage": "cold", "resourcePath": "/floor/{table}", "httpMethod": "GET"},
        "body": None,
        "isBase64Encoded": False,
    }


def _run(aws: EmulatedAws, case: ColdCase | None, env: dict[str, str], wrap: tuple[str, ...] = ()) -> Run:
    with tempfile.TemporaryFile() as stderr:
        if case is None:
            return _child(BASELINE, env, None, stderr, wrap)
        _seed(aws, case)
        return _child(case.function, env, case.event, stderr, wrap)


def _instructions(aws: EmulatedAws, case: ColdCase | None, env: dict[str, str]) -> int:
    """Instructions of the whole process under callgrind, from start to answer (one run: exact)."""
    with tempfile.TemporaryFile() as stderr:
        if case is not None:
            _seed(aws, case)
        mode, event = (BASELINE, None) if case is None else (case.function, case.event)
        _child(mode, env, event, stderr, CALLGRIND)
        stderr.seek(0)
        found = _COLLECTED.search(stderr.read())
    if found is None:
        raise RuntimeError(f"callgrind printed no count for {mode}")
    return int(found[1])


def _import_costs(aws: EmulatedAws, case: ColdCase, env: dict[str, str]) -> list[tuple[str, float]]:
    """Self time of the imports after the timer started (-X importtime), summed per top package."""
    with tempfile.TemporaryFile() as stderr:
        _seed(aws, case)
        _child(case.function, {**env, "PYTHONPROFILEIMPORTTIME": "1"}, case.event, stderr)
        stderr.seek(0)
        after = stderr.read().decode(errors="replace").split(MARK, 1)[-1]
    costs: defaultdict[str, int] = defaultdict(int)
    for line in after.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if self_us.isdigit():
            costs[name.split(".")[0]] += int(self_us)
    return sorted(((name, us / 1e6) for name, us in costs.items()), key=lambda kv: -kv[1])


def _median(runs: list[Run], key: str) -> float:
    return statistics.median(float(getattr(r, key)) for r in runs)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def _counting() -> bool:
    wanted = os.environ.get("COLD_START_INSTRUCTIONS") == "1"
    if wanted and shutil.which("valgrind") is None:
        print("   COLD_START_INSTRUCTIONS=1 but valgrind is not on PATH: instructions not counted")
    return wanted and shutil.which("valgrind") is not None


def cold_start() -> list[Row]:
    section(f"3. cold start of every function, median of {REPEATS} fresh processes each")
    runs: defaultdict[str, list[Run]] = defaultdict(list)
    counted: dict[str, int] = {}
    with emulated_aws("cold") as aws, tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        floor = ColdCase(FLOOR, "GET one item", _floor_event(aws))
        every = cases(seed(aws))
        only = [f for f in os.environ.get("COLD_START_FUNCTIONS", "").split(",") if f]  # a quick rerun of some
        measured: tuple[ColdCase | None, ...] = (None, floor, *(c for c in every if not only or c.function in only))
        env = _env(pycache)
        for case in measured:  # warm the bytecode cache (untimed)
            _run(aws, case, env)
        for _ in range(REPEATS):  # interleaved, so drift of the machine hits all alike
            for case in measured:
                runs[BASELINE if case is None else case.function].append(_run(aws, case, env))
        if _counting():
            for case in measured:
                counted[BASELINE if case is None else case.function] = _instructions(aws, case, env)
        registry = next(c for c in every if c.function == "registry_api")
        heaviest = _import_costs(aws, registry, env)[:6]
    base, base_process = _median(runs[BASELINE], "total_s"), _median(runs[BASELINE], "process_s")
    base_cpu = _median(runs[BASELINE], "cpu_s")
    print(
        f"   (a) import boto3 {_ms(_median(runs[BASELINE], 'import_s'))} ms + client "
        f"{_ms(_median(runs[BASELINE], 'first_s'))} ms = {_ms(base)} ms; process {_ms(base_process)} ms;"
        f" cpu {_ms(base_cpu)} ms" + (f"; {counted[BASELINE] / 1e6:.0f} M instructions" if counted else "")
    )
    header = ("function", "first event", "import ms", "first ms", "total ms", "ratio", "process ms", "ratio")
    header += ("cpu ms", "ratio", *(("instr M", "ratio") if counted else ()), "of floor", "answer")
    lines = [header]
    preloaded = sorted({name for mine in runs.values() for r in mine for name in r.preloaded})
    rows = [
        Row("3 cold start", "(a) import boto3 + dynamodb client", f"{_ms(base)} ms"),
        Row("3 cold start", "packages loaded before the timer", ", ".join(preloaded) or "none", "none", not preloaded),
    ]
    floor_total = _median(runs[FLOOR], "total_s")
    for case in (c for c in measured if c is not None):
        mine = runs[case.function]
        total, process, cpu = _median(mine, "total_s"), _median(mine, "process_s"), _median(mine, "cpu_s")
        answers = ",".join(sorted({r.outcome for r in mine}))
        ratio = total / base
        instructions = (
            (f"{counted[case.function] / 1e6:.0f}", f"{counted[case.function] / counted[BASELINE]:.2f}")
            if counted
            else ()
        )
        lines.append(
            (
                f"(f) {case.function}" if case is floor else case.function,
                case.first,
                _ms(_median(mine, "import_s")),
                _ms(_median(mine, "first_s")),
                _ms(total),
                f"{ratio:.2f}",
                _ms(process),
                f"{process / base_process:.2f}",
                _ms(cpu),
                f"{cpu / base_cpu:.2f}",
                *instructions,
                f"{total / floor_total:.2f}",
                answers,
            )
        )
        exact = f"; instructions {instructions[1]}" if instructions else ""
        rows.append(
            Row(
                "3 cold start",
                f"{case.function}: (import + first event)/a",
                f"{ratio:.2f} ({_ms(total)} ms, {answers}; cpu {cpu / base_cpu:.2f}{exact})",
                f"<= {TARGET}",
                ratio <= TARGET,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("   " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    print(
        "   heaviest imports under registry_api (self time, one traced run): "
        + ", ".join(f"{name} {_ms(seconds)} ms" for name, seconds in heaviest)
    )
    return rows
