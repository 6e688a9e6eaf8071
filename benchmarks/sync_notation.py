"""Figures of the notation equivalences in the sync. Printed counts and ratios, never assertions.

A register typed by hand and a J-LIS answer written the resident register's way (the fake's
rewriter: variant characters, 丁目/番地 forms, kanji numerals), with 1 % real moves, 0.2 % real
name changes and 30 % notation-only differences. What each verdict leads to is the sync's own
rule (``services.sync``) and the templates say which kinds reach holders (a name change's finding
does; a move is announced; a notation is adopted or recorded without a notice).

python -m benchmarks.sync_notation
SYNC_NOTATION_RECORDS=20000 ...   # a smaller register (default 100,000)
SYNC_BENCH_ROUNDS=5 ...           # rounds of the timed comparison, taken in turn (the fastest counts)
SYNC_NOTATION_WORKER_N=500 ...    # registrants of the run through the real worker on moto (default 2,000; 0: skip)
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from ahaki.notifications.domain.templates import template_of
from ahaki.residents.adapters.jlis_notation import block_form, variant_form
from ahaki.residents.domain import sync as sync_domain
from ahaki.residents.domain.events import finding_kind
from ahaki.residents.domain.jlis import RequestRecord, ResultCode, ResultRecord, VitalStatus
from ahaki.residents.domain.jlis_codec import ResultReader, encode_requests, encode_results, request_rows
from ahaki.residents.domain.sync import Decision, reconcile
from ahaki.residents.domain.sync_records import FindingStatus
from ahaki.residents.domain.verdicts import FINDING_VERDICTS, Verdict

Figures = list[tuple[str, str]]
Timing = tuple[float, float]  # wall, CPU (seconds)
# Surnames as typed; most have a variant the resident register may hold (髙橋, 渡邉, 齋藤, ...).
_FAMILY = ["高橋", "渡辺", "斎藤", "山崎", "吉田", "長沢", "浜田", "広瀬", "佐藤", "鈴木", "田中", "中村"]
_KANA = [
    "タカハシ",
    "ワタナベ",
    "サイトウ",
    "ヤマザキ",
    "ヨシダ",
    "ナガサワ",
    "ハマダ",
    "ヒロセ",
    "サトウ",
    "スズキ",
    "タナカ",
    "ナカムラ",
]
_RENAMED = "小野寺"  # a real change of surname (marriage): no fold can make it the old one
_TOWNS = ["千代田区一番町", "千代田区霞が関", "港区芝公園", "新宿区西新宿"]
MOVE, RENAME, NOTATION, SAME = "move", "rename", "notation", "same"


def _truth(n: int, rng: random.Random) -> str:
    u = rng.random()
    return MOVE if u < 0.01 else RENAME if u < 0.012 else NOTATION if u < 0.312 else SAME


def _pair(n: int, truth: str, rng: random.Random) -> tuple[RequestRecord, ResultRecord]:
    f = n % len(_FAMILY)
    family, kana = _FAMILY[f], _KANA[f]
    line = f"{_TOWNS[n % 4]}{n % 9 + 1}-{n % 37 + 1}-{n % 500 + 1}"
    request = RequestRecord(
        request_record_number=n,
        subject_reference=f"q{n:08d}",
        reference_date="20261201",
        include_removed=True,
        subject_resident_code=f"{n:011d}",
        subject_name_kanji=f"{family}\u3000花子",
        subject_name_kana=f"{kana}\u3000ハナコ",
        subject_birth_date="19800101",
        subject_sex="2",
        subject_address=line,
        subject_municipality_code="131016",
        subject_my_number="",
    )
    name, address, code = request.subject_name_kanji, line, "131016"
    if truth == NOTATION:
        # The resident register's writing: the name's variant where there is one, else (and
        # sometimes as well) the address in 丁目/番地 form, half of them with kanji numerals.
        if family != variant_form(family) and rng.random() < 0.7:
            name = variant_form(name)
        if name == request.subject_name_kanji or rng.random() < 0.3:
            address = block_form(line, kanji=rng.random() < 0.5)
    elif truth == MOVE:
        moved_within = rng.random() < 0.5  # half within the municipality (another block), half away
        address = f"{_TOWNS[(n + 1) % 4]}{n % 9 + 1}-{n % 37 + 2}-{n % 500 + 1}" if moved_within else "港区芝公園4-2-8"
        code = "131016" if moved_within else "131032"
        address = block_form(address, kanji=rng.random() < 0.5) if rng.random() < 0.3 else address
    elif truth == RENAME:
        name = variant_form(f"{_RENAMED}\u3000花子")
    result = ResultRecord(
        request_record_number=n,
        subject_reference=request.subject_reference,
        result_code=ResultCode.FOUND.value,
        result_record_count=1,
        result_record_seq=1,
        matched_items="RESIDENT_CODE",
        changed=truth in (MOVE, RENAME),
        vital_status=VitalStatus.ALIVE.value,
        change_status={MOVE: "ADDRESS", RENAME: "NAME"}.get(truth, ""),
        resident_code=request.subject_resident_code,
        name_kanji=name,
        name_kana="オノデラ\u3000ハナコ" if truth == RENAME else request.subject_name_kana,
        birth_date="19800101",
        sex="2",
        address=address,
        municipality_code=code,
    )
    return request, result


def write_files(records: int, folder: Path) -> tuple[Path, Path, list[str]]:
    rng = random.Random(20261203)
    truths = [_truth(n, rng) for n in range(records + 1)]
    pairs = [_pair(n, truths[n], rng) for n in range(1, records + 1)]
    request_path, result_path = folder / "req.csv", folder / "res.csv"
    with request_path.open("w", encoding="utf-8") as req, result_path.open("w", encoding="utf-8") as res:
        req.writelines(encode_requests("bench", 1, "20261201000000", (p[0] for p in pairs)))
        res.writelines(encode_results("bench", 1, "20261201000000", (p[1] for p in pairs)))
    return request_path, result_path, truths


def verdicts(request_path: Path, result_path: Path) -> dict[int, Verdict]:
    """The sync core: both files decoded and every row decided, streaming (as the worker does)."""
    found: dict[int, Verdict] = {}
    with request_path.open(encoding="utf-8") as req, result_path.open(encoding="utf-8") as res:
        _, requests = request_rows(req)
        for item in reconcile(requests, ResultReader(res)):
            if isinstance(item, Decision):
                found[item.request.request_record_number] = item.verdict
    return found  # rows not in it were echoes: unchanged


def core(request_path: Path, result_path: Path) -> int:
    with request_path.open(encoding="utf-8") as req, result_path.open(encoding="utf-8") as res:
        _, requests = request_rows(req)
        return sum(1 for _ in reconcile(requests, ResultReader(res)))


def plain_compare(
    request: RequestRecord, results: tuple[ResultRecord, ...], off: frozenset[str] = frozenset()
) -> Verdict:
    """The comparison before the equivalences: string equality, item by item."""
    first = results[0]
    if first.result_code != ResultCode.FOUND or len(results) > 1 or first.vital_status != VitalStatus.ALIVE:
        return sync_domain.classify(request, results).verdict  # the same for every other answer
    if first.name_kanji != request.subject_name_kanji or first.name_kana != request.subject_name_kana:
        return Verdict.NAME_CHANGED
    if first.birth_date != request.subject_birth_date or first.sex != request.subject_sex:
        return Verdict.DETAILS_CHANGED
    if first.address != request.subject_address or first.municipality_code != request.subject_municipality_code:
        return Verdict.ADDRESS_CHANGED
    return Verdict.UNCHANGED


@contextmanager
def without_equivalence() -> Iterator[None]:
    saved = sync_domain.compare
    sync_domain.compare = plain_compare
    try:
        yield
    finally:
        sync_domain.compare = saved


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall time and this process's CPU time of one run (CPU time leaves out the time the
    shared machine's other load took the core away)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _alternating(rounds: int, request_path: Path, result_path: Path) -> tuple[Timing, Timing]:
    """The fastest round of each side (wall, CPU), the rounds taken in turn in one process on
    the same files: the shared machine's load falls on both sides alike."""
    plain: list[tuple[float, float]] = []
    folded: list[tuple[float, float]] = []
    for _ in range(rounds):
        with without_equivalence():
            plain.append(_timed(lambda: core(request_path, result_path)))
        folded.append(_timed(lambda: core(request_path, result_path)))
    return (min(t[0] for t in plain), min(t[1] for t in plain)), (min(t[0] for t in folded), min(t[1] for t in folded))


def _notifies(verdict: Verdict) -> bool:
    """Whether the sync's handling of a verdict sends the holder anything (services.sync)."""
    if verdict in FINDING_VERDICTS:
        return template_of(finding_kind(verdict)).to_holder  # a name change: the holder is told
    if verdict is Verdict.ADDRESS_CHANGED:
        return template_of("registrant.change_address").to_holder
    if verdict is Verdict.NOTATION:  # an address adopted; a name's form recorded (no event at all)
        return template_of("registrant.adopt_notation").to_holder
    return False  # unchanged; a differing reading is recorded for staff without an event


def _share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({100 * part / whole:.1f} %)" if whole else "0 of 0"


def worker_figures(registrants: int) -> Figures:
    """The same mix through the real worker against moto (smaller): what it wrote and announced."""
    import boto3

    from ahaki.kernel.qualification import Qualification
    from ahaki.residents.services import sync
    from benchmarks.sync import _drain, _ports, _seed
    from infra.sandbox.emulated_aws import REGION, emulated_aws

    rng = random.Random(20261203)
    truth: dict[str, str] = {}
    with emulated_aws("bench-notation") as aws:
        fake = _seed(boto3.client("dynamodb", region_name=REGION), aws.table_names, registrants)
        for n, resident in enumerate(list(fake._by_number.values()), start=1):
            kind = _truth(n, rng)
            truth[f"bench-{n:07d}"] = kind
            if kind == NOTATION:  # 太郎12 as 太郎１２; 一番町7 as 一番町7番地
                wide = resident.name_kanji.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                changed = {"address": f"{resident.address}番地"} if n % 2 else {"name_kanji": wide}
            elif kind == MOVE:
                changed = {"address": f"港区芝公園{n}", "municipality_code": "131032"}
            elif kind == RENAME:
                changed = {"name_kanji": "小野寺\u3000太郎", "name_kana": "オノデラ\u3000タロウ"}
            else:
                continue
            fake.add(replace(resident, **changed))
        ports, sync_ports, dynamodb = _ports(fake, None, chunk=registrants)
        caller = sync.system_caller("foundation", "bench")
        run = sync.start_run(ports, sync_ports, caller, Qualification.ANMA_MASSAGE_SHIATSU)
        _drain(ports, sync_ports)
        found = sync_ports.store.get_run("foundation", run.run_id)
        outbox = dynamodb.scan(TableName=aws.table_names["OutboxTable"])["Items"]
        findings, _ = sync_ports.store.findings("foundation", FindingStatus.OPEN, 1000, None)
    assert found is not None
    kinds = Counter(i["kind"]["S"] for i in outbox if not i["kind"]["S"].endswith("register"))
    notices = sum(v for k, v in kinds.items() if template_of(k).to_holder)
    raised = Counter(truth[f.qualification_pseudonym_id] for f in findings)
    total = Counter(truth.values())
    c = found.counts
    return [
        (
            "notation (worker, moto): registrants / moves / renames / notation-only",
            f"{registrants:,} / {total[MOVE]:,} / {total[RENAME]:,} / {total[NOTATION]:,}",
        ),
        (
            "notation (worker, moto): counts unchanged / notation / applied / findings",
            f"{c.unchanged:,} / {c.notation:,} / {c.applied:,} / {c.findings:,} (reconciles: {c.reconciles()})",
        ),
        ("notation (worker, moto): findings for notation-only (target 0)", f"{raised[NOTATION]:,}"),
        ("notation (worker, moto): outbox events by kind", ", ".join(f"{k}={v:,}" for k, v in sorted(kinds.items()))),
        (
            "notation (worker, moto): notices (holder) / real moves + renames",
            f"{notices:,} / {total[MOVE] + total[RENAME]:,}",
        ),
        ("notation (worker, moto): folded by rule", ", ".join(f"{k}={v:,}" for k, v in sorted(c.folded.items()))),
    ]


def run() -> Figures:
    records = int(os.environ.get("SYNC_NOTATION_RECORDS", "100000"))
    rounds = int(os.environ.get("SYNC_BENCH_ROUNDS", "5"))
    with tempfile.TemporaryDirectory() as folder:
        request_path, result_path, truths = write_files(records, Path(folder))
        found = verdicts(request_path, result_path)
        with without_equivalence():
            before = verdicts(request_path, result_path)
        verdicts(request_path, result_path)  # warm: the first run compiles the rules
        plain, folded = _alternating(rounds, request_path, result_path)
    tally: dict[str, Counter[Verdict]] = {t: Counter() for t in (MOVE, RENAME, NOTATION, SAME)}
    old: dict[str, Counter[Verdict]] = {t: Counter() for t in (MOVE, RENAME, NOTATION, SAME)}
    for n in range(1, records + 1):
        tally[truths[n]][found.get(n, Verdict.UNCHANGED)] += 1
        old[truths[n]][before.get(n, Verdict.UNCHANGED)] += 1
    total = {t: sum(c.values()) for t, c in tally.items()}
    notation_findings = sum(v for k, v in tally[NOTATION].items() if k in FINDING_VERDICTS)
    notation_notices = sum(v for k, v in tally[NOTATION].items() if _notifies(k))
    old_findings = sum(v for k, v in old[NOTATION].items() if k in FINDING_VERDICTS)
    old_notices = sum(v for k, v in old[NOTATION].items() if _notifies(k))
    return [
        (
            "notation: registrants / moves / name changes / notation-only",
            f"{records:,} / {total[MOVE]:,} / {total[RENAME]:,} / {total[NOTATION]:,}",
        ),
        ("notation: findings for notation-only differences (target 0)", f"{notation_findings:,}"),
        ("notation: notices for notation-only differences (target 0)", f"{notation_notices:,}"),
        ("notation: real moves found (target 100 %)", _share(tally[MOVE][Verdict.ADDRESS_CHANGED], total[MOVE])),
        (
            "notation: real name changes found (target 100 %)",
            _share(tally[RENAME][Verdict.NAME_CHANGED], total[RENAME]),
        ),
        ("notation: unchanged rows left unchanged", _share(tally[SAME][Verdict.UNCHANGED], total[SAME])),
        (
            "notation: before the equivalences, findings / notices for notation-only",
            f"{old_findings:,} / {old_notices:,}",
        ),
        (
            f"notation: sync core with / without the equivalences, wall time (best of {rounds}; target <= 1.3x)",
            f"{folded[0] / plain[0]:.2f}x ({records / folded[0]:,.0f} vs {records / plain[0]:,.0f} records/s)",
        ),
        (
            f"notation: sync core with / without the equivalences, CPU time (best of {rounds}; target <= 1.3x)",
            f"{folded[1] / plain[1]:.2f}x ({records / folded[1]:,.0f} vs {records / plain[1]:,.0f} records/s)",
        ),
        (
            "notation: verdicts of notation-only rows",
            ", ".join(f"{k.value}={v:,}" for k, v in sorted(tally[NOTATION].items())),
        ),
        *(worker_figures(workers) if (workers := int(os.environ.get("SYNC_NOTATION_WORKER_N", "2000"))) else []),
    ]


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
