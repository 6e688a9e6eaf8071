"""Figures of the resident-register sync. Printed ratios and counts, never assertions.

python -m benchmarks.sync            # all figures
SYNC_BENCH_RECORDS=200000 ...        # a smaller processing-core file (default 1,000,000)
SYNC_BENCH_FAULT_N=20000 ...         # registrants of the fault-injection run (default 100,000)
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from stdnum.jp import in_

from ahaki.kernel.qualification import Qualification
from ahaki.kernel.settings import Settings
from ahaki.registry.adapters import register_table as rt
from ahaki.registry.domain.registrant import Registrant, Status
from ahaki.registry.wiring import build_ports
from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.adapters.jlis_fake import FakeJlis, Resident, resident_code_for
from ahaki.residents.adapters.lookup_table import DynamoLookups
from ahaki.residents.adapters.query_log import DynamoQueryLog
from ahaki.residents.adapters.sync_table import DynamoSyncStore
from ahaki.residents.domain.jlis import FileKey, RequestRecord, ResultRecord
from ahaki.residents.domain.jlis_codec import ResultReader, encode_requests, encode_results, request_rows
from ahaki.residents.domain.jlis_mapping import jlis_date, joined, sex_code
from ahaki.residents.domain.sync import Decision, Unchanged, reconcile
from ahaki.residents.services import sync, sync_results
from ahaki.residents.services.ports import SyncPorts
from ahaki.residents.wiring import ListQueue
from benchmarks.support import CallCounter
from infra.sandbox.emulated_aws import REGION, emulated_aws

Figures = list[tuple[str, str]]
_KANA = ["サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ"]
_GIVEN = ["ヒナ", "レン", "ユイ", "ミナト"]


# -- 1. the processing core over a synthetic result file ----------------------------------------


def _pair(n: int) -> tuple[RequestRecord, ResultRecord]:
    kana = f"{_KANA[n % 6]}\u3000{_GIVEN[n % 4]}"
    kanji = f"氏{n % 97}\u3000名{n % 89}"
    request = RequestRecord(
        request_record_number=n,
        subject_reference=f"q{n:08d}",
        reference_date="20261201",
        include_removed=True,
        subject_resident_code=f"{n:011d}",
        subject_name_kanji=kanji,
        subject_name_kana=kana,
        subject_birth_date="19800101",
        subject_sex="1",
        subject_address=f"千代田区一番町{n}",
        subject_municipality_code="131016",
        subject_my_number="",
    )
    moved = n % 100 == 0  # 1% moved: the rest unchanged, as in a real month
    result = ResultRecord(
        request_record_number=n,
        subject_reference=request.subject_reference,
        result_code="00",
        result_record_count=1,
        result_record_seq=1,
        matched_items="RESIDENT_CODE",
        changed=moved,
        vital_status="1",
        change_status="ADDRESS" if moved else "",
        resident_code=request.subject_resident_code,
        name_kanji=kanji,
        name_kana=kana,
        birth_date="19800101",
        sex="1",
        address=f"港区芝公園{n}" if moved else request.subject_address,
        municipality_code="131032" if moved else "131016",
    )
    return request, result


def write_files(records: int, folder: Path) -> tuple[Path, Path]:
    request_path, result_path = folder / f"req-{records}.csv", folder / f"res-{records}.csv"
    with request_path.open("w", encoding="utf-8") as req, result_path.open("w", encoding="utf-8") as res:
        req.writelines(encode_requests("bench", 1, "20261201000000", (_pair(n)[0] for n in range(1, records + 1))))
        res.writelines(encode_results("bench", 1, "20261201000000", (_pair(n)[1] for n in range(1, records + 1))))
    return request_path, result_path


def bare_read(result_path: Path) -> int:
    with result_path.open(encoding="utf-8", newline="") as source:
        return sum(1 for _ in csv.reader(source))


def core(request_path: Path, result_path: Path) -> Counter[str]:
    """Decode both files and decide every record, streaming: what a worker does before writing."""
    verdicts: Counter[str] = Counter()
    with request_path.open(encoding="utf-8") as req, result_path.open(encoding="utf-8") as res:
        _, requests = request_rows(req)
        for item in reconcile(requests, ResultReader(res)):
            if type(item) is Unchanged:
                verdicts["unchanged"] += 1
            else:
                verdicts[item.verdict.value if isinstance(item, Decision) else type(item).__name__] += 1
    return verdicts


def _peak_rss_mb(request_path: Path, result_path: Path) -> float:
    code = (
        "import resource,sys; from pathlib import Path; from benchmarks.sync import core; "
        "core(Path(sys.argv[1]), Path(sys.argv[2])); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(["layers/ahaki/python", ".", os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", code, str(request_path), str(result_path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return int(out.stdout.strip()) / 1024  # ru_maxrss is in KiB on Linux


def _best_of(rounds: int, work: Callable[[], object]) -> float:
    """The fastest of a few rounds: the time the work needs on this machine, less what the
    machine's other load took from it (the machine is shared; both sides are measured alike)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def core_figures() -> Figures:
    records = int(os.environ.get("SYNC_BENCH_RECORDS", "1000000"))
    rounds = int(os.environ.get("SYNC_BENCH_ROUNDS", "3"))
    with tempfile.TemporaryDirectory() as folder:
        small = write_files(10_000, Path(folder))
        large = write_files(records, Path(folder))
        rows = bare_read(large[1])
        verdicts = core(*large)
        bare = _best_of(rounds, lambda: bare_read(large[1]))
        processing = _best_of(rounds, lambda: core(*large))
        peak_small, peak_large = _peak_rss_mb(*small), _peak_rss_mb(*large)
    return [
        ("sync core: records in the result file", f"{rows - 2:,}"),
        ("sync core: verdicts", ", ".join(f"{k}={v:,}" for k, v in sorted(verdicts.items()))),
        (f"sync core: records/s (best of {rounds})", f"{records / processing:,.0f}"),
        ("sync core: time vs bare csv read of the same file", f"{processing / bare:.2f}x"),
        ("sync core: peak RSS at 10,000 / at all records (MB)", f"{peak_small:.1f} / {peak_large:.1f}"),
        ("sync core: peak growth (MB, budget 64)", f"{peak_large - peak_small:.1f}"),
        # Context, not a figure: other processes on the 2 cores slow both sides of the ratio
        # alike, but not the records/s.
        ("sync core: machine load (1-minute average) at the end", f"{os.getloadavg()[0]:.2f}"),
    ]


# -- 2 and 3. against moto ----------------------------------------------------------------------


def _my_number(n: int) -> str:
    body = f"{n:011d}"
    return body + str(in_.calc_check_digit(body))


# Fifty given names of kanji only (the name rules refuse digits): 太郎, 次夫, …
_GIVEN_FIRST = "太次三健正和光信直秀"
_GIVEN_SECOND = "郎夫男一也"


def _registrant(n: int) -> Registrant:
    return Registrant.model_validate(
        {
            "tenant_id": "foundation",
            "qualification": "anma_massage_shiatsu",
            "qualification_pseudonym_id": f"bench-{n:07d}",
            "registration_number": n,
            "registered_on": "2010-04-01",
            "name": {"family": "山田", "given": _GIVEN_FIRST[n % 10] + _GIVEN_SECOND[(n // 10) % 5]},
            "name_kana": {"family": "ヤマダ", "given": "タロウ"},
            "sex": "male",
            "birth_date": "1980-01-01",
            "origin": {"honseki_prefecture": "13"},
            "exam_passed_in": "2009-03",
            "address": {"municipality_code": "131016", "line": f"千代田区一番町{n}"},
            "minister_name": "見本 太郎",
            "chair_name": "見本 花子",
        }
    )


def _seed(dynamodb: Any, tables: dict[str, str], count: int) -> FakeJlis:
    """Registrants whose resident codes are known (the steady state of every month after the first)."""
    fake = FakeJlis()
    items: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        registrant = _registrant(n)
        number = _my_number(n)
        fake.add(
            Resident(
                my_number=number,
                resident_code=resident_code_for(number),
                name_kanji=joined(registrant.name.family, registrant.name.given),
                name_kana=joined(registrant.name_kana.family, registrant.name_kana.given),
                birth_date=jlis_date(registrant.birth_date),
                sex=sex_code(registrant.sex),
                address=registrant.address.line,
                municipality_code=registrant.address.municipality_code,
            )
        )
        items.append({"PutRequest": {"Item": rt.snapshot_item(registrant)}})
        link = {
            "pk": {"S": "T#foundation#RC#anma_massage_shiatsu"},
            "sk": {"S": f"{n:010d}"},
            "qid": {"S": registrant.qualification_pseudonym_id},
            "code": {"S": resident_code_for(number)},
        }
        items.append({"PutRequest": {"Item": link}, "_table": "sync"})
    register, sync_table = tables["RegisterTable"], tables["SyncTable"]
    for start in range(0, len(items), 25):
        batch: dict[str, list[dict[str, Any]]] = {}
        for item in items[start : start + 25]:
            table = sync_table if item.pop("_table", None) else register
            batch.setdefault(table, []).append(item)
        dynamodb.batch_write_item(RequestItems=batch)
    return fake


def _ports(
    fake: FakeJlis, counters: dict[str, CallCounter] | None, chunk: int, hook: Callable[..., None] | None = None
) -> Any:
    """``counters``: one per service name ("dynamodb", "kms"), attached to that client."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    kms = boto3.client("kms", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    for name, client in (("dynamodb", dynamodb), ("kms", kms)):
        if counters is not None:
            counters[name].attach(client)
        if hook is not None:
            client.meta.events.register("before-call.*.*", hook)
    settings = Settings.from_env()
    ports = build_ports(settings, dynamodb, kms)
    sync_ports = SyncPorts(
        store=DynamoSyncStore(dynamodb, os.environ["SYNC_TABLE"], settings.outbox_table),
        exchange=S3Exchange(s3, os.environ["JLIS_BUCKET"], responder=fake),
        queue=ListQueue(),
        query_log=DynamoQueryLog(dynamodb, settings.audit_table),
        lookups=DynamoLookups(dynamodb, os.environ["SYNC_TABLE"]),
        chunk_size=chunk,
    )
    return ports, sync_ports, dynamodb


def _drain(ports: Any, sync_ports: SyncPorts, redrive_limit: int = 50) -> tuple[int, int]:
    """Run every message like the worker would, retrying failed ones (SQS redelivery, then the DLQ
    redrive). Returns (failed attempts, messages left in the DLQ)."""
    queue = sync_ports.queue
    assert isinstance(queue, ListQueue)
    pending: list[dict[str, Any]] = []
    for message in queue.messages:
        key = FileKey(message["tenant_id"], message["run_id"], message["chunk_no"])
        pending += [message, {"kind": "result", "key": key}]
    failures = 0
    for _ in range(redrive_limit):
        left = []
        for message in pending:
            try:
                _deliver(ports, sync_ports, message)
            except Exception:
                failures += 1
                left.append(message)
        pending = left
        if not pending:
            break
    return failures, len(pending)


def _deliver(ports: Any, sync_ports: SyncPorts, message: dict[str, Any]) -> None:
    """What the worker does with a message."""
    if message["kind"] == "build":
        key = FileKey(message["tenant_id"], message["run_id"], message["chunk_no"])
        qualification, status = Qualification(message["qualification"]), Status(message["status"])
        sync.build_chunk(ports, sync_ports, key, qualification, status, message["cursor"], message.get("records"))
    else:
        sync_results.process_result(ports, sync_ports, message["key"])


def calls_figures(registrants: int = 5000) -> Figures:
    with emulated_aws("bench-sync") as aws:
        fake = _seed(boto3.client("dynamodb", region_name=REGION), aws.table_names, registrants)
        counters = {"dynamodb": CallCounter(), "kms": CallCounter()}
        ports, sync_ports, _ = _ports(fake, counters, chunk=registrants)
        caller = sync.system_caller("foundation", "bench")
        run = sync.start_run(ports, sync_ports, caller, Qualification.ANMA_MASSAGE_SHIATSU)
        _drain(ports, sync_ports)
        counts = sync_ports.store.get_run("foundation", run.run_id)
    assert counts is not None
    per = 1000 / registrants
    return [
        ("sync AWS calls: registrants (all unchanged, resident codes known)", f"{counts.counts.unchanged:,}"),
        ("sync AWS calls: DynamoDB per 1,000 unchanged (budget 15)", f"{counters['dynamodb'].total * per:.1f}"),
        ("sync AWS calls: KMS per 1,000 unchanged (budget 2)", f"{counters['kms'].total * per:.1f}"),
    ]


def fault_figures() -> Figures:
    """In its own module (benchmarks/sync_faults.py): 100,000 registrants, faults, a redrive."""
    from benchmarks import sync_faults

    return sync_faults.fault_figures()


def run() -> Figures:
    return [*core_figures(), *calls_figures(), *fault_figures()]


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
