"""Figures 1 and 2: concurrent registrations and concurrent corrections against serialized moto.

moto runs each emulated request alone (infra.sandbox.emulated_aws serializes it, as DESIGN.md
asks), so whatever goes wrong here is a race in our code, not in moto.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from ahaki.kernel.adapters.audit_trail import DynamoAuditTrail
from ahaki.kernel.audit import verify_chain
from ahaki.kernel.errors import VersionConflict
from ahaki.registry.domain.commands import Correction
from ahaki.registry.domain.history import fold
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services import registry
from ahaki.registry.services.ports import Ports
from benchmarks.moto_rollback import cheap_transaction_rollback
from benchmarks.report import Row, section
from benchmarks.support import CallCounter, counting_ports, registrar, registration
from infra.sandbox.emulated_aws import emulated_aws

REGISTRATIONS = 200
REGISTRATION_WORKERS = 32
CORRECTIONS = 100
# Without If-Match every correction retries until it wins: 100 threads took ~2,300 transactions
# (~55 s against moto); 32 threads, as in figure 1, keep the run within its budget.
RETRYING_WORKERS = 32

T = TypeVar("T")


@dataclass(frozen=True)
class Outcomes(Generic[T]):
    results: list[T]
    errors: Counter[str]
    seconds: float


def _run_together(count: int, workers: int, task: Callable[[int], T]) -> Outcomes[T]:
    """Runs ``task(0..count-1)`` on a pool; a barrier makes the first wave start at once."""
    barrier = threading.Barrier(min(count, workers))
    started = threading.local()

    def run(n: int) -> T | BaseException:
        if not getattr(started, "yes", False):
            started.yes = True
            barrier.wait()
        try:
            return task(n)
        except Exception as error:  # counted by type: the figure is how many of each
            return error

    begin = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(run, range(count)))
    seconds = time.perf_counter() - begin
    results = [o for o in outcomes if not isinstance(o, BaseException)]
    errors = Counter(type(o).__name__ for o in outcomes if isinstance(o, BaseException))
    return Outcomes(results, errors, seconds)


def _errors(errors: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in errors.most_common()) or "0"


def _is_consecutive(numbers: list[int]) -> bool:
    return bool(numbers) and sorted(set(numbers)) == list(range(min(numbers), max(numbers) + 1))


def concurrent_registrations() -> list[Row]:
    section(f"1. {REGISTRATIONS} concurrent registrations, {REGISTRATION_WORKERS} threads")
    with emulated_aws("bench-register"), cheap_transaction_rollback():
        ports, counter = counting_ports()
        out = _run_together(
            REGISTRATIONS,
            REGISTRATION_WORKERS,
            lambda n: registry.register(ports, registrar(f"reg-{n}"), registration(n)),
        )
    numbers = [r.registration_number for r in out.results]
    attempts = counter.calls["TransactWriteItems"]
    retried = attempts - len(out.results)
    why = ", ".join(f"{k} {n}" for k, n in counter.cancelled_on.most_common()) or "none"
    print(f"   {len(out.results)} ok in {out.seconds:.1f} s; errors: {_errors(out.errors)}")
    print(
        f"   numbers {min(numbers, default=0)}..{max(numbers, default=0)}; transactions {attempts}, cancelled on: {why}"
    )
    print(f"   AWS calls: {dict(counter.calls.most_common())}")
    fig = "1 registrations"
    return [
        Row(
            fig,
            "registrations ok",
            f"{len(out.results)}/{REGISTRATIONS}",
            f"{REGISTRATIONS}",
            len(out.results) == REGISTRATIONS,
        ),
        Row(fig, "errors", _errors(out.errors), "0", not out.errors),
        Row(
            fig,
            "unique registration numbers",
            str(len(set(numbers))),
            f"{REGISTRATIONS}",
            len(set(numbers)) == REGISTRATIONS,
        ),
        Row(
            fig,
            "consecutive (min..max, no gaps)",
            f"{_is_consecutive(numbers)} ({min(numbers, default=0)}..{max(numbers, default=0)})",
            "True",
            _is_consecutive(numbers),
        ),
        Row(fig, "duplicates", str(len(numbers) - len(set(numbers))), "0", len(numbers) == len(set(numbers))),
        Row(
            fig,
            "retried attempts (TransactWriteItems - ok)",
            f"{retried} ({retried / max(len(out.results), 1):.1f}/registration)",
        ),
        Row(fig, "wall time, registrations/s", f"{out.seconds:.1f} s, {len(out.results) / out.seconds:.0f}/s"),
    ]


def _correction(n: int) -> Correction:
    return Correction.model_validate(
        {"address": {"municipality_code": "131016", "line": f"千代田区霞が関3-{n + 1}"}, "reason": "転居"}
    )


def _corrections(ports: Ports, counter: CallCounter, with_version: bool, label: str) -> list[Row]:
    caller = registrar()
    start = registry.register(ports, caller, registration(10_000 if with_version else 10_001))
    qid, version = start.qualification_pseudonym_id, start.version
    expected = version if with_version else None

    def correct(n: int) -> Registrant:
        return registry.change(ports, registrar(f"cor-{n}"), qid, Operation.CORRECT, _correction(n), expected)

    before_calls = counter.calls["TransactWriteItems"]
    out = _run_together(CORRECTIONS, CORRECTIONS if with_version else RETRYING_WORKERS, correct)
    transactions = counter.calls["TransactWriteItems"] - before_calls
    final = ports.reader.get(caller.tenant_id, qid)
    assert final is not None
    history = ports.reader.history(caller.tenant_id, qid)
    folds_to_snapshot = fold(history) == final
    applied = len(out.results)
    lost = applied - (final.version - version)
    conflicts = out.errors.get(VersionConflict.__name__, 0)
    others = Counter({k: n for k, n in out.errors.items() if k != VersionConflict.__name__})
    assert isinstance(ports.audit, DynamoAuditTrail)
    chain = ports.audit.records(registry.registrant_chain(caller.tenant_id, qid))
    broken = verify_chain(chain)
    print(
        f"   {label}: applied {applied}, VersionConflict {conflicts}, other {_errors(others)}; "
        f"version {version} -> {final.version}; {transactions} transactions; {out.seconds:.1f} s; "
        f"audit chain {len(chain)} records, {'whole' if broken is None else f'broken at {broken}'}"
    )
    fig = f"2 corrections {label}"
    # The criterion: each correction applied or refused with 409, none lost. With If-Match
    # exactly one can win; without it, each is retried on the fresh record until it applies or
    # the contention outlasts the request budget (then 409 with the current version).
    rows = [
        Row(fig, "applied", str(applied), "1" if with_version else "", applied == 1 if with_version else None),
        Row(
            fig,
            "refused: VersionConflict (409)",
            str(conflicts),
            f"{CORRECTIONS - 1}" if with_version else "",
            conflicts == CORRECTIONS - 1 if with_version else None,
        ),
        Row(
            fig,
            "applied + refused with 409",
            str(applied + conflicts),
            f"{CORRECTIONS}",
            applied + conflicts == CORRECTIONS,
        ),
    ]
    rows += [
        Row(fig, "other errors", _errors(others), "0", not others),
        Row(fig, "lost updates", str(lost), "0", lost == 0),
        Row(
            fig,
            "final version (start + applied)",
            f"{final.version} (start {version})",
            f"{version + applied}",
            final.version == version + applied,
        ),
        Row(fig, "snapshot == fold(history)", str(folds_to_snapshot), "True", folds_to_snapshot),
        Row(fig, "audit chain whole", "True" if broken is None else f"broken at seq {broken}", "True", broken is None),
    ]
    return rows


def concurrent_corrections() -> list[Row]:
    section(
        f"2. {CORRECTIONS} concurrent corrections of one registrant ({CORRECTIONS}, then {RETRYING_WORKERS} threads)"
    )
    with emulated_aws("bench-correct"), cheap_transaction_rollback():
        ports, counter = counting_ports()
        rows = _corrections(ports, counter, with_version=True, label=f"with If-Match, {CORRECTIONS} threads")
        rows += _corrections(ports, counter, with_version=False, label=f"without If-Match, {RETRYING_WORKERS} threads")
    return rows
