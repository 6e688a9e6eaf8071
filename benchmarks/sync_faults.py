"""The sync's fault figure: 100,000 registrants verified against moto with injected faults, and the
register compared with a fault-free run of the same seed. Printed, never asserted.

SYNC_BENCH_FAULT_N=20000 python -m benchmarks.sync_faults   # fewer registrants (default 100,000)

One seed, two runs. The register is seeded once, straight into moto's tables (no API calls: the
figure is about the run, not about seeding), and moto's tables are pickled; the fault-free run
goes first, the tables are put back, then the faulty run. The month seeded: 98% of registrants
with a known 住民票コード (asked by it, no KMS), the newest 2% new since last month (asked by My
Number: the vault and KMS are opened); 1% moved, 0.2% renamed, 0.1% deceased.

Faults of the faulty run (the workers' clients use the stack's client config, standard retries,
4 attempts; the SDK's backoff waits are skipped, they are idle time in AWS, not work):
- 5% of DynamoDB requests answered ``ThrottlingException`` (400) by the emulated service;
- 5% of KMS requests answered ``KMSInternalException`` (500), and a KMS outage through the whole
  first pass: the chunks that need the vault fail every delivery and land in the dead-letter
  queue, where the run counts them ``failed``; after the outage the DLQ is redriven;
- 5% of message deliveries: the worker dies midway, right after one of its DynamoDB writes (or,
  with fewer writes, at the end, before SQS hears of the success);
- the planner dies once, after a third of the chunks, and is invoked again for the same run.
Messages go through an emulated SQS with the stack's maxReceiveCount and a DLQ; each result file
that lands in inbound/ enqueues its S3 notification, as the bucket does.
"""

from __future__ import annotations

import base64
import gc
import os
import pickle
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.retries.standard import ExponentialBackoff
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from ahaki.kernel.adapters import vault as v
from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.settings import Settings
from ahaki.kernel.specs import TABLES
from ahaki.registry import keys
from ahaki.registry.adapters import register_table as rt
from ahaki.registry.domain.registrant import Status
from ahaki.registry.services.ports import Ports
from ahaki.registry.wiring import build_ports
from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.adapters.jlis_fake import FakeJlis, Scenario, resident_code_for, resident_of
from ahaki.residents.adapters.lookup_table import DynamoLookups
from ahaki.residents.adapters.query_log import DynamoQueryLog
from ahaki.residents.adapters.sync_items import resident_codes_pk
from ahaki.residents.adapters.sync_table import DynamoSyncStore
from ahaki.residents.domain.jlis import INBOUND, FileKey
from ahaki.residents.domain.jlis_lines import TextLines
from ahaki.residents.services import sync, sync_results
from ahaki.residents.services.ports import SyncPorts
from benchmarks.moto_rollback import cheap_transaction_rollback
from benchmarks.moto_speed import fast_moto, forget
from benchmarks.sync import _my_number, _registrant
from infra.register_stack.contexts.residents_exchange import MAX_RECEIVES
from infra.sandbox.emulated_aws import REGION, EmulatedAws, emulated_aws

Figures = list[tuple[str, str]]
TENANT = "foundation"
QUALIFICATION = Qualification.ANMA_MASSAGE_SHIATSU
ACCOUNT = "123456789012"  # moto's default account
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})


class WorkerDied(BaseException):  # not an Exception: no code of ours may catch it, the process is gone
    """The Lambda process ends here (timeout, out of memory, host lost): nothing below runs."""


# -- the seed -----------------------------------------------------------------------------------


@dataclass
class Seed:
    count: int
    fake: FakeJlis
    scenarios: Counter[str]
    new: int  # registrants without a known resident code (asked by My Number)
    tables: bytes = b""  # moto's tables right after seeding, pickled


def _tables(aws: EmulatedAws) -> dict[str, Table]:
    backend = dynamodb_backends[ACCOUNT][REGION]
    return {t.logical_id: backend.get_table(aws.table_names[t.logical_id]) for t in TABLES}


def _put(table: Table, attrs: dict[str, Any]) -> None:
    """Straight into moto's table: no request, no stream record (nothing reads the seed's)."""
    hash_key = DynamoType(attrs[table.hash_key_attr])
    range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    item = Item(hash_key, range_key, {})
    # moto's item dict re-sizes the whole item on each attribute set: the seed's items are small.
    dict.update(item.attrs, {name: DynamoType(value) for name, value in attrs.items()})
    if range_key is None:
        table.items[hash_key] = item  # type: ignore[assignment]
    else:
        table.items[hash_key][range_key] = item


def seed(aws: EmulatedAws, count: int) -> Seed:
    tables = _tables(aws)
    register, sync_table, vault = tables["RegisterTable"], tables["SyncTable"], tables["VaultTable"]
    kms = boto3.client("kms", region_name=REGION)
    key_id = Settings.from_env().vault_key_id
    new = max(1, count // 50)
    fake = FakeJlis()
    for n in range(1, count + 1):
        registrant = _registrant(n)
        number = _my_number(n)
        qid = registrant.qualification_pseudonym_id
        _put(register, rt.snapshot_item(registrant))
        fake.add(resident_of(registrant, number))
        if n <= count - new:  # verified in an earlier month: its resident code is known
            link = {
                "pk": {"S": resident_codes_pk(TENANT, QUALIFICATION)},
                "sk": {"S": f"{n:010d}"},
                "qid": {"S": qid},
                "code": {"S": resident_code_for(number)},
            }
            _put(sync_table, link)
        else:  # new since the last run: only the vault knows the number
            sealed = kms.encrypt(
                KeyId=key_id, Plaintext=number.encode(), EncryptionContext=v.encryption_context(TENANT, qid)
            )
            _put(
                vault,
                {
                    "pk": {"S": v.vault_pk(TENANT, qid)},
                    "sk": {"S": v.MY_NUMBER},
                    "ciphertext": {"B": base64.b64encode(sealed["CiphertextBlob"]).decode()},  # as on the wire
                },
            )
    scenarios: Counter[str] = Counter()
    for n in range(1, count + 1):
        scenario = (
            Scenario.MOVED
            if n % 100 == 50
            else Scenario.RENAMED
            if n % 500 == 7
            else Scenario.DECEASED
            if n % 1000 == 13
            else None
        )
        if scenario is not None:
            fake.dial(_my_number(n), scenario)
            scenarios[scenario.value] += 1
    for table in tables.values():
        forget(table)
    _settled()
    return Seed(count, fake, scenarios, new, pickle.dumps({k: t.items for k, t in tables.items()}, protocol=5))


def restore(aws: EmulatedAws, saved: Seed) -> None:
    """Every table back to the seed (the run's S3 objects are under its own run id)."""
    items = pickle.loads(saved.tables)
    for name, table in _tables(aws).items():
        table.items = items[name]
        forget(table)
    _settled()


def _settled() -> None:
    """The seed's millions of objects out of the garbage collector's way (it would walk them on
    every full collection, a cost of the harness, not of the run)."""
    gc.collect()
    gc.freeze()


# -- faults -------------------------------------------------------------------------------------


@dataclass
class Faults:
    rate: float
    rng: random.Random = field(default_factory=lambda: random.Random(4))
    armed: bool = False
    kms_outage: bool = False
    injected: Counter[str] = field(default_factory=Counter)
    attempts: Counter[str] = field(default_factory=Counter)
    _die_at: int | None = None  # the write after which this delivery's worker dies
    _writes: int = 0

    def begin_delivery(self) -> None:
        self._writes = 0
        self._die_at = self.rng.randint(1, 12) if self.armed and self.rng.random() < self.rate else None

    def end_delivery(self) -> None:
        """The handler returned; a doomed worker with fewer writes dies before SQS hears of it."""
        if self._die_at is not None:
            self._die()

    def _die(self) -> None:
        self._die_at = None
        self.injected["worker died mid-chunk"] += 1
        raise WorkerDied

    def answer(self, request: Any) -> AWSResponse | None:
        """The emulated service's answer instead of moto's, or None to let moto answer."""
        service = "kms" if "://kms." in request.url else "dynamodb" if "://dynamodb." in request.url else "other"
        self.attempts[service] += 1
        if not self.armed:
            return None
        if service == "kms" and (self.kms_outage or self.rng.random() < self.rate):
            self.injected["KMS errors" + (" (outage)" if self.kms_outage else "")] += 1
            return _error(request.url, 500, "KMSInternalException", "injected")
        if service == "dynamodb" and self.rng.random() < self.rate:
            self.injected["DynamoDB throttled"] += 1
            return _error(request.url, 400, "com.amazonaws.dynamodb.v20120810#ThrottlingException", "injected")
        return None

    def after_call(self, model: Any, **_: Any) -> None:
        if model.name in WRITES and self._die_at is not None:
            self._writes += 1
            if self._writes >= self._die_at:
                self._die()  # after the write: it stays, the rest of the chunk does not happen


def _error(url: str, status: int, code: str, message: str) -> AWSResponse:
    body = f'{{"__type": "{code}", "message": "{message}"}}'.encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-requestid": "injected"}
    return AWSResponse(url, status, HTTPHeaders.from_dict(headers), MockRawResponse(body))


@contextmanager
def answering(faults: Faults) -> Iterator[None]:
    """Faults answer in moto's place (a botocore before-send hook cannot: every before-send
    handler runs, so moto would apply the request that the client is told failed)."""
    original = BotocoreStubber.__call__

    def call(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        injected = faults.answer(request)
        return injected if injected is not None else original(self, event_name, request, **kwargs)

    BotocoreStubber.__call__ = call  # type: ignore[method-assign]
    try:
        yield
    finally:
        BotocoreStubber.__call__ = original  # type: ignore[method-assign]


@contextmanager
def no_backoff_waits() -> Iterator[None]:
    original = ExponentialBackoff.delay_amount
    ExponentialBackoff.delay_amount = lambda self, context: 0.0  # type: ignore[method-assign]
    try:
        yield
    finally:
        ExponentialBackoff.delay_amount = original  # type: ignore[method-assign]


# -- SQS as the stack configures it -------------------------------------------------------------


@dataclass
class Delivery:
    body: dict[str, Any]
    receives: int = 0


class EmulatedSqs:
    """The sync queue with its dead-letter queue: a message that fails its maxReceiveCount-th
    delivery moves to the DLQ; a redrive moves it back with a fresh receive count."""

    def __init__(self) -> None:
        self.queue: deque[Delivery] = deque()
        self.dead: list[Delivery] = []
        self.builds: Counter[int] = Counter()  # build messages sent per chunk

    def send(self, message: dict[str, Any]) -> None:
        if message.get("kind") == "build":
            self.builds[int(message["chunk_no"])] += 1
        self.queue.append(Delivery(message))

    def redrive(self) -> int:
        moved = len(self.dead)
        self.queue.extend(Delivery(d.body) for d in self.dead)
        self.dead.clear()
        return moved


class NotifyingExchange:
    """The exchange bucket with its S3 notification of inbound/ objects onto the queue."""

    def __init__(self, inner: S3Exchange, sqs: EmulatedSqs) -> None:
        self._inner = inner
        self._sqs = sqs

    def send(self, key: FileKey, lines: Iterable[str]) -> None:
        self._inner.send(key, lines)  # the fake J-LIS answers into inbound/ at once
        self._sqs.send({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key.of(INBOUND)}}}]})

    def lines(self, object_key: str) -> TextLines:
        return self._inner.lines(object_key)


def deliver(ports: Ports, sync_ports: SyncPorts, body: dict[str, Any], final: bool) -> None:
    """What functions/sync_worker does with one message."""
    if body.get("kind") == "build":
        key = FileKey(body["tenant_id"], body["run_id"], int(body["chunk_no"]))
        status, qualification = Status(body["status"]), Qualification(body["qualification"])
        cursor, page_size = body.get("cursor"), body.get("records")
        sync.build_chunk(ports, sync_ports, key, qualification, status, cursor, page_size, final)
        return
    for record in body["Records"]:
        found = FileKey.parse(record["s3"]["object"]["key"])
        assert found is not None
        sync_results.process_result(ports, sync_ports, found, final)


@dataclass
class Pass:
    failed_deliveries: int = 0
    dead: int = 0


def drain(sqs: EmulatedSqs, handle: Callable[[dict[str, Any], bool], None], faults: Faults) -> Pass:
    outcome = Pass()
    while sqs.queue:
        delivery = sqs.queue.popleft()
        delivery.receives += 1
        faults.begin_delivery()
        try:
            handle(delivery.body, delivery.receives >= MAX_RECEIVES)
            faults.end_delivery()
        except (Exception, WorkerDied):
            outcome.failed_deliveries += 1
            (sqs.dead if delivery.receives >= MAX_RECEIVES else sqs.queue).append(delivery)
    outcome.dead = len(sqs.dead)
    return outcome


# -- one run ------------------------------------------------------------------------------------


@dataclass
class RunReport:
    seconds: float
    register: dict[str, str]
    events: Counter[str]
    counts: dict[str, int]
    chunks: tuple[int, int, int]  # planned, requested, processed
    failed_deliveries: int = 0
    dead_before_redrive: int = 0
    failed_before_redrive: int = 0
    dead_after_redrive: int = 0
    enqueued_twice: int = 0  # chunks whose build message the planner sent more than once
    reconciles: bool = False


def _clients(faults: Faults) -> tuple[Any, Any, Any]:
    dynamodb = boto3.client("dynamodb", region_name=REGION, config=CLIENT_CONFIG)
    kms = boto3.client("kms", region_name=REGION, config=CLIENT_CONFIG)
    for client in (dynamodb, kms):
        client.meta.events.register("after-call.*.*", faults.after_call)
    return dynamodb, kms, boto3.client("s3", region_name=REGION)


def one_run(aws: EmulatedAws, saved: Seed, faults: Faults, planner_dies_at: int | None) -> RunReport:
    with answering(faults):
        return _one_run(aws, saved, faults, planner_dies_at)


def _one_run(aws: EmulatedAws, saved: Seed, faults: Faults, planner_dies_at: int | None) -> RunReport:
    started = time.perf_counter()
    dynamodb, kms, s3 = _clients(faults)
    settings = Settings.from_env()
    ports = build_ports(settings, dynamodb, kms)
    sqs = EmulatedSqs()
    sync_ports = SyncPorts(
        store=DynamoSyncStore(dynamodb, os.environ["SYNC_TABLE"], settings.outbox_table),
        exchange=NotifyingExchange(S3Exchange(s3, os.environ["JLIS_BUCKET"], responder=saved.fake), sqs),
        queue=sqs,
        query_log=DynamoQueryLog(dynamodb, settings.audit_table),
        lookups=DynamoLookups(dynamodb, os.environ["SYNC_TABLE"]),
    )
    caller = sync.system_caller(TENANT, "bench-faults")
    run_id = ports.new_id()
    planner = sync_ports
    if planner_dies_at is not None:
        planner = replace(sync_ports, queue=_DyingQueue(sqs, planner_dies_at))
    faults.armed = faults.rate > 0
    faults.kms_outage = faults.armed
    try:
        sync.start_run(ports, planner, caller, QUALIFICATION, run_id)
    except WorkerDied:
        faults.injected["planner died"] += 1
        sync.start_run(ports, sync_ports, caller, QUALIFICATION, run_id)  # invoked again: resumes

    def handle(body: dict[str, Any], final: bool) -> None:
        deliver(ports, sync_ports, body, final)

    report = RunReport(0.0, {}, Counter(), {}, (0, 0, 0))
    first = drain(sqs, handle, faults)
    report.failed_deliveries += first.failed_deliveries
    report.dead_before_redrive = first.dead
    found = sync_ports.store.get_run(TENANT, run_id)
    report.failed_before_redrive = found.counts.failed if found else -1
    faults.kms_outage = False  # the outage is over (the fix is deployed): redrive
    for _ in range(10):
        if not sqs.dead:
            break
        sqs.redrive()
        report.failed_deliveries += drain(sqs, handle, faults).failed_deliveries
    faults.armed = False
    report.dead_after_redrive = len(sqs.dead)
    run = sync_ports.store.get_run(TENANT, run_id)
    assert run is not None
    report.counts = run.counts.model_dump()
    report.chunks = (run.chunks_planned, run.chunks_requested, run.chunks_processed)
    report.reconciles = run.counts.reconciles()
    report.enqueued_twice = sum(1 for n in sqs.builds.values() if n > 1)
    report.register, report.events = _register(aws)
    report.seconds = time.perf_counter() - started
    return report


class _DyingQueue:
    """The planner's queue client, in a process that dies after ``after`` messages."""

    def __init__(self, sqs: EmulatedSqs, after: int) -> None:
        self._sqs = sqs
        self._left = after

    def send(self, message: dict[str, Any]) -> None:
        if self._left == 0:
            raise WorkerDied
        self._left -= 1
        self._sqs.send(message)


def _register(aws: EmulatedAws) -> tuple[dict[str, str], Counter[str]]:
    snapshots: dict[str, str] = {}
    events: Counter[str] = Counter()
    for hash_key, items in _tables(aws)["RegisterTable"].items.items():
        for range_key, item in items.items():
            if range_key.value == keys.SNAPSHOT:
                snapshots[str(hash_key.value)] = str(item.attrs["body"].value)
            elif str(range_key.value).startswith(keys.EVENT_PREFIX):
                events[str(hash_key.value)] += 1
    return snapshots, events


# -- the figure ---------------------------------------------------------------------------------


def fault_figures() -> Figures:
    count = int(os.environ.get("SYNC_BENCH_FAULT_N", "100000"))
    started = time.perf_counter()
    with cheap_transaction_rollback(), fast_moto(), no_backoff_waits(), emulated_aws("bench-faults") as aws:
        saved = seed(aws, count)
        seeded = time.perf_counter() - started
        clean = one_run(aws, saved, Faults(rate=0.0), None)
        restore(aws, saved)
        faults = Faults(rate=0.05)
        chunks = max(1, clean.chunks[0])
        faulty = one_run(aws, saved, faults, planner_dies_at=chunks // 3)
    total = time.perf_counter() - started
    same = clean.register == faulty.register and clean.events == faulty.events
    changed = sum(1 for pk, body in faulty.register.items() if body != clean.register.get(pk))
    counts = faulty.counts
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(faults.injected.items()))
    return [
        ("sync faults: registrants verified against moto", f"{count:,}"),
        (
            "sync faults: the month (moved, renamed, deceased; new, asked by My Number)",
            ", ".join(f"{saved.scenarios[s.value]:,}" for s in (Scenario.MOVED, Scenario.RENAMED, Scenario.DECEASED))
            + f"; {saved.new:,}",
        ),
        ("sync faults: injected (5% of requests and of deliveries; KMS outage in the 1st pass)", kinds),
        (
            "sync faults: requests seen (DynamoDB attempts, KMS attempts)",
            f"{faults.attempts['dynamodb']:,}, {faults.attempts['kms']:,}",
        ),
        ("sync faults: failed message deliveries (retried by SQS)", f"{faulty.failed_deliveries:,}"),
        (
            "sync faults: DLQ before redrive (messages) / run's failed count then",
            f"{faulty.dead_before_redrive} / {faulty.failed_before_redrive}",
        ),
        ("sync faults: DLQ after redrive / run's failed count", f"{faulty.dead_after_redrive} / {counts['failed']}"),
        ("sync faults: register identical to the fault-free run (snapshots, history events)", _flag(same)),
        ("sync faults: registrants whose snapshot differs from the fault-free run", f"{changed:,}"),
        (
            "sync faults: counts (faulty run)",
            ", ".join(f"{k}={counts[k]:,}" for k in ("planned", "requested", "received", "unchanged", "applied"))
            + f", findings={counts['findings']:,}, quarantined={counts['quarantined']:,}",
        ),
        (
            "sync faults: counts reconcile; equal to the fault-free run's",
            f"{_flag(faulty.reconciles)}; {_flag(faulty.counts == clean.counts)}",
        ),
        (
            "sync faults: chunks planned / requested / processed; enqueued twice after the planner died",
            "/".join(f"{c:,}" for c in faulty.chunks) + f"; {faulty.enqueued_twice}",
        ),
        (
            "sync faults: wall time (s): seed, fault-free run, faulty run, total",
            f"{seeded:.0f}, {clean.seconds:.0f}, {faulty.seconds:.0f}, {total:.0f}",
        ),
    ]


def _flag(value: bool) -> str:
    return "true" if value else "FALSE"


if __name__ == "__main__":
    for name, value in fault_figures():
        print(f"{name}: {value}")
