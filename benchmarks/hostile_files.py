"""Figures of hostile J-LIS result files. Printed counts and rates, never assertions.

python -m benchmarks.hostile_files                 # all figures
HOSTILE_BENCH_EXAMPLES=5000 ...                    # pure-path examples (default 1,000)
HOSTILE_BENCH_WORKER_EXAMPLES=300 ...              # examples through the worker against moto (default 40)
HOSTILE_BENCH_MB=1,10,50 ...                       # file sizes read (default 1, 10, 50)

Properties: mutated honest answers (tests/hostile_files.py) judged by the pure worker path and by
the worker's entry point against moto; an example whose invariants break counts a violation, one
whose exception escapes counts an escape. Reading: seconds per MB of a result file of short
lines and of one single line, through the exchange's line reader and the codec's reader, beside
a bare ``bytes.split`` of the same bytes (the floor) in the same process.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from botocore.response import StreamingBody
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from ahaki.kernel.components import reset
from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.domain.jlis_codec import ResultReader, request_rows
from ahaki.residents.domain.sync import reconcile
from ahaki.residents.domain.sync_outcome import assess
from infra.sandbox.emulated_aws import emulated_aws
from tests.hostile_files import Mutation, honest_files, judge, mutate, mutations

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

Figures = list[tuple[str, str]]
_MB = 1024 * 1024
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # the worker's "processed" line, thousands of times


class _Tally:
    def __init__(self) -> None:
        self.examples = self.violations = self.escaped = 0

    def run(self, check: Callable[[], list[str]]) -> None:
        self.examples += 1
        try:
            broken = check()
        except Exception:
            self.escaped += 1
            return
        self.violations += bool(broken)


def pure_figures(examples: int) -> Figures:
    request_lines, answer, foreign = honest_files(True)
    tally = _Tally()

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(mutations(), st.sampled_from([1, 7, 4096, _MB]))
    def each(drawn: tuple[list[Mutation], bool], chunk: int) -> None:
        ops, retrail = drawn
        tally.run(lambda: judge(request_lines, mutate(answer, ops, retrail, foreign), "run-12", 1, chunk))

    each()
    return [
        ("hostile files, pure path: examples run", f"{tally.examples:,}"),
        ("hostile files, pure path: invariant violations (target 0)", str(tally.violations)),
        ("hostile files, pure path: exceptions escaping (target 0)", str(tally.escaped)),
    ]


def worker_figures(examples: int) -> Figures:
    from infra.sandbox.emulated_aws import reset_tables
    from tests.integration.conftest import Api
    from tests.integration.hostile_support import check_worker, world

    tally = _Tally()
    with emulated_aws("bench-hostile") as aws:
        reset_tables(aws)
        reset()
        state = world(Api(aws))

        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(mutations())
        def each(drawn: tuple[list[Mutation], bool]) -> None:
            ops, retrail = drawn
            result: list[list[str]] = []

            def check() -> list[str]:
                broken, escaped = check_worker(state, ops, retrail)
                if escaped:
                    raise RuntimeError("an exception escaped the worker")
                result.append(broken)
                return broken

            tally.run(check)

        each()
    return [
        ("hostile files, worker against moto: examples run", f"{tally.examples:,}"),
        ("hostile files, worker against moto: invariant violations (target 0)", str(tally.violations)),
        ("hostile files, worker against moto: exceptions escaping (target 0)", str(tally.escaped)),
    ]


class _Client:
    """An S3 client whose object is these bytes (the exchange reads it as from S3)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def get_object(self, Bucket: str, Key: str) -> dict[str, object]:
        return {"Body": StreamingBody(io.BytesIO(self._data), len(self._data))}


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _read(data: bytes) -> int:
    exchange = S3Exchange(cast("S3Client", _Client(data)), "bucket")  # the fake has get_object only
    reader = ResultReader(exchange.lines("inbound/t/r/000001.csv"))
    return sum(1 for _ in reader.rows())


def _iter_lines(data: bytes) -> int:
    """What the reader replaced, as the adapter called it: quadratic in a line's length."""
    return sum(1 for _ in StreamingBody(io.BytesIO(data), len(data)).iter_lines(chunk_size=64 * 1024))


def reading_figures(sizes: list[int]) -> Figures:
    _, answer, _ = honest_files(True)
    lines = answer.split(b"\n")
    header, rows = lines[0] + b"\n", b"\n".join(lines[1:-2]) + b"\n"
    figures: Figures = []
    for mb in sizes:
        body = rows * (mb * _MB // len(rows) + 1)
        short = header + body[: mb * _MB] + b"\nT,0\n"
        one_line = header + b"D," + b"x" * (mb * _MB) + b"\nT,1\n"
        for shape, data in (("short lines", short), ("one line", one_line)):
            ours = _seconds(partial(_read, data))
            floor = _seconds(partial(bytes.split, data, b"\n"))
            name = f"reading a {mb} MB result file of {shape}: s per MB (bytes.split alone)"
            figures.append((name, f"{ours / mb:.3f} ({floor / mb:.4f})"))
        if mb <= 10:  # 50 MB took ~20 s
            before = _seconds(partial(_iter_lines, one_line))
            figures.append((f"botocore iter_lines over one {mb} MB line: s per MB (before)", f"{before / mb:.3f}"))
    return figures


def judgement_figures(records: int = 5000, rounds: int = 5) -> Figures:
    """What judging a chunk whole (``assess``) costs over the streaming comparison alone."""
    from benchmarks.sync import write_files

    def streaming(req: Path, res: Path) -> object:
        with req.open(encoding="utf-8") as a, res.open(encoding="utf-8") as b:
            return sum(1 for _ in reconcile(request_rows(a)[1], ResultReader(b)))

    def judged(req: Path, res: Path) -> object:
        with req.open(encoding="utf-8") as a, res.open(encoding="utf-8") as b:
            return assess(request_rows(a)[1], ResultReader(b), "bench", 1)

    with tempfile.TemporaryDirectory() as folder:
        files = write_files(records, Path(folder))
        alone = min(_seconds(lambda: streaming(*files)) for _ in range(rounds))
        whole = min(_seconds(lambda: judged(*files)) for _ in range(rounds))
    return [
        (f"judging a {records:,}-row chunk whole: records/s (best of {rounds})", f"{records / whole:,.0f}"),
        ("judging a chunk whole vs the streaming comparison alone", f"{whole / alone:.2f}x"),
    ]


def run() -> Figures:
    examples = int(os.environ.get("HOSTILE_BENCH_EXAMPLES", "1000"))
    worker = int(os.environ.get("HOSTILE_BENCH_WORKER_EXAMPLES", "40"))
    sizes = [int(s) for s in os.environ.get("HOSTILE_BENCH_MB", "1,10,50").split(",")]
    return [*pure_figures(examples), *worker_figures(worker), *reading_figures(sizes), *judgement_figures()]


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
