"""Hostile J-LIS result files: an honest answer, then mutations drawn by hypothesis, and the
invariants every reading of them must keep. Shared by the unit and integration properties and the
figure in benchmarks/hostile_files.py.

Mutations work on bytes, lines and fields: truncate at any byte, flip or insert bytes, re-encode
(Shift_JIS, UTF-16, a BOM), duplicate, drop, reorder lines, swap a field between two people's
rows, put another run's header or rows in, set a field to a hostile value (a number past Python's
int-string limit, an impossible date, NUL, a lone surrogate, a quoted comma, a 300-character
name), or move a person to a new address (a valid change, so applying is exercised too), and
then, or not, make the trailer add up again so the row-level defences are tested on their own.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from hypothesis import strategies as st

from ahaki.kernel.values import Address, Name, NameKana
from ahaki.residents.adapters.jlis_fake import FakeJlis, Scenario, resident_code_for, resident_of
from ahaki.residents.domain.jlis import RequestRecord, ResultCode, ResultRecord
from ahaki.residents.domain.jlis_codec import ResultReader, decode_requests, encode_requests, request_rows
from ahaki.residents.domain.jlis_lines import TextLines
from ahaki.residents.domain.jlis_mapping import request_for
from ahaki.residents.domain.sync_outcome import ChunkOutcome, assess
from ahaki.residents.domain.verdicts import Verdict

_ENCODINGS = ("shift_jis", "cp932", "utf-16", "utf-8-sig", "euc_jp")
_SNIPPETS = (
    b",",
    b"\n",
    b'"',
    b"\x00",
    b"\xff",
    b"\xe9",  # the first byte of a 3-byte character, cut
    b"\r\n",
    b"T,1\n",
    b"D\n",
    b"\n\n",
    b"9" * 40,
)
HOSTILE_VALUES = (
    "",
    "0",
    "01",
    "9" * 5000,
    "20230230",
    "\x00",
    "\udced",  # a byte that was not UTF-8, as the reader sees it
    '"a,b"',
    "名" * 300,
    "\u202e",
    "99999999999",
    "999999999999",
    "-1",
    "２",
    "NAME+ADDRESS+NAME",
)
MOVED_TO = ("千代田区一番町四丁目2番地101", "港区芝公園四丁目2番8号", "大阪市北区梅田一丁目1番")
REPEAT = int(os.environ.get("HOSTILE_REPEAT", "1"))  # `make fuzz` sets a deeper count


@dataclass(frozen=True)
class Mutation:
    kind: str
    a: int = 0
    b: int = 0
    c: int = 0
    value: str = ""
    raw: bytes = b""


def _mutation() -> st.SearchStrategy[Mutation]:
    pos = st.integers(0, 10**6)
    # Identity fields first: number, reference, code, count, sequence, vital status, resident code,
    # address, My Number; then any field.
    field = st.one_of(st.sampled_from([1, 2, 3, 4, 5, 8, 10, 15, 17]), st.integers(0, 17))
    return st.one_of(
        st.builds(Mutation, st.just("truncate"), pos),
        st.builds(Mutation, st.just("flip"), pos, st.integers(1, 255)),
        st.builds(
            Mutation,
            st.just("insert"),
            pos,
            raw=st.one_of(st.sampled_from(_SNIPPETS), st.binary(min_size=1, max_size=8)),
        ),
        st.builds(Mutation, st.just("reencode"), st.integers(0, len(_ENCODINGS) - 1)),
        st.builds(Mutation, st.sampled_from(["duplicate", "drop"]), pos),
        st.builds(Mutation, st.sampled_from(["swap", "move"]), pos, pos),
        st.builds(Mutation, st.just("field"), pos, field, value=st.sampled_from(HOSTILE_VALUES)),
        st.builds(Mutation, st.just("swap_field"), pos, pos, field),
        st.builds(Mutation, st.just("foreign"), pos, st.integers(0, 1)),
        st.builds(Mutation, st.just("moved"), pos, st.integers(0, len(MOVED_TO) - 1)),
    )


def mutations() -> st.SearchStrategy[tuple[list[Mutation], bool]]:
    """One to three mutations, and whether the trailer is made to add up again afterwards."""
    return st.tuples(st.lists(_mutation(), min_size=1, max_size=3), st.booleans())


def _split(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    return lines[:-1] if lines and lines[-1] == b"" else lines


def _join(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def _fields(line: bytes) -> list[str]:
    return line.decode("utf-8", "surrogateescape").split(",")


def _unfields(fields: list[str]) -> bytes:
    return ",".join(fields).encode("utf-8", "surrogateescape")


def honest_files(by_code: bool) -> tuple[list[str], bytes, bytes]:
    """Run "run-12"'s request file for six people (one moved, renamed, with a twin, deceased and
    not found), J-LIS's honest answer, and the answer to the same people in another run. Asked
    by resident code for every other person when ``by_code`` (a later month), else by My Number."""
    from tests.unit.residents.test_jlis_codec import _people

    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    scenarios = [Scenario.MOVED, Scenario.RENAMED, Scenario.SEVERAL_MATCHES, Scenario.DECEASED, Scenario.NOT_FOUND]
    for (_, number), scenario in zip(people[1:], scenarios, strict=True):
        fake.dial(number, scenario)
    requests = [
        request_for(
            r, i, date(2026, 12, 1), my_number=n, resident_code=resident_code_for(n) if by_code and i % 2 else ""
        )
        for i, (r, n) in enumerate(people, start=1)
    ]
    request_lines = list(encode_requests("run-12", 1, "20261201000000", requests))
    other = list(encode_requests("run-11", 1, "20261101000000", requests))
    answer = "".join(fake.answer(iter(request_lines))).encode()
    return request_lines, answer, "".join(fake.answer(iter(other))).encode()


def _data_rows(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.startswith(b"D,")]


def apply(data: bytes, mutation: Mutation, foreign: bytes) -> bytes:
    """One mutation of a result file's bytes. ``foreign`` is another run's honest answer."""
    m = mutation
    if m.kind == "truncate":
        return data[: m.a % (len(data) + 1)]
    if m.kind == "flip" and data:
        k = m.a % len(data)
        return data[:k] + bytes([data[k] ^ m.b]) + data[k + 1 :]
    if m.kind == "insert":
        k = m.a % (len(data) + 1)
        return data[:k] + m.raw + data[k:]
    if m.kind == "reencode":
        return data.decode("utf-8", "replace").encode(_ENCODINGS[m.a], "replace")
    lines = _split(data)
    if not lines:
        return data
    i, j = m.a % len(lines), m.b % len(lines)
    if m.kind == "duplicate":
        lines.insert(i, lines[i])
    elif m.kind == "drop":
        del lines[i]
    elif m.kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif m.kind == "move":
        lines.insert(j, lines.pop(i))
    elif m.kind == "foreign":
        other = _split(foreign)
        pick = other[0] if m.b == 0 or len(other) < 2 else other[1 + m.a % (len(other) - 1)]
        lines[i if m.b else 0] = pick
    else:
        rows = _data_rows(lines)
        if not rows:
            return data
        i, j = rows[m.a % len(rows)], rows[m.b % len(rows)]
        fields, others = _fields(lines[i]), _fields(lines[j])
        if m.kind == "field" and m.b < len(fields):
            fields[m.b] = m.value
        elif m.kind == "swap_field" and m.c < min(len(fields), len(others)):
            fields[m.c], others[m.c] = others[m.c], fields[m.c]
            lines[j] = _unfields(others)
        elif m.kind == "moved" and len(fields) == 18 and fields[3] == "00":
            fields[7], fields[9], fields[15] = "1", "ADDRESS", MOVED_TO[m.c % len(MOVED_TO)]
        lines[i] = _unfields(fields)
    return _join(lines)


def mutate(data: bytes, ops: Iterable[Mutation], retrail: bool, foreign: bytes) -> bytes:
    for op in ops:
        data = apply(data, op, foreign)
    if retrail:
        lines = [line for line in _split(data) if not line.startswith(b"T")]
        data = _join([*lines, f"T,{max(len(lines) - 1, 0)}".encode()])
    return data


def chunks_of(data: bytes, size: int) -> list[bytes]:
    return [data[k : k + size] for k in range(0, len(data), size)] or [b""]


def file_rows(data: bytes) -> list[list[str]]:
    """Every line of the file as the csv module reads it (the oracle for "this came from the file")."""
    found = []
    for line in _split(data):
        try:
            found += list(csv.reader([line.decode("utf-8", "surrogateescape")]))
        except csv.Error:
            continue
    return found


def _as_fields(r: ResultRecord) -> list[str]:
    head = [str(r.request_record_number), r.subject_reference, r.result_code, str(r.result_record_count)]
    identity = [r.vital_status, r.change_status, r.resident_code, r.name_kanji, r.name_kana, r.birth_date, r.sex]
    rest = [r.address, r.municipality_code, r.my_number]
    return ["D", *head, str(r.result_record_seq), r.matched_items, "1" if r.changed else "0", *identity, *rest]


def check_outcome(
    out: ChunkOutcome, reader: ResultReader, requests: list[RequestRecord], data: bytes, run_id: str, chunk_no: int
) -> list[str]:
    """The invariants of one judged file; the broken ones by name (empty: all hold)."""
    broken: list[str] = []

    def need(ok: bool, name: str) -> None:
        if not ok:
            broken.append(name)

    asked = {r.request_record_number: r for r in requests}
    c = out.counts
    rows_decided = sum(len(d.results) for d in out.decisions)
    need(c["received"] == reader.data_rows, "received counts every data row")
    need(c["received"] == c["unchanged"] + c["quarantined"] + rows_decided, "counts reconcile")
    numbers = [d.request.request_record_number for d in out.decisions] + [
        u.request_record_number for u in out.unsettled
    ]
    need(len(numbers) == len(set(numbers)), "each request decided once")
    need(c["unchanged"] + len(numbers) == len(asked), "every request settled or named")
    need(c["unanswered"] == len(out.unsettled), "unanswered counts the named")
    need(all(u.subject_reference == asked[u.request_record_number].subject_reference for u in out.unsettled), "named")
    if out.problem is not None:
        need(not out.decisions and c["unchanged"] == 0, "a refused file settles nothing")
    refused_rows = {r.request_record_number for r in out.rejected}
    rows = file_rows(data)
    ours = bool(rows) and rows[0][:5] == ["H", "AHAKI-JLIS-RES", "1", run_id, str(chunk_no)]
    need(ours or out.problem is not None, "a file of another run or chunk settles nothing")
    whole = bool(rows) and rows[-1] == ["T", str(len(_split(data)) - 2)]
    need(whole or out.problem is not None, "a file without its trailer settles nothing")
    for decision in out.decisions:
        request = asked.get(decision.request.request_record_number)
        need(request == decision.request, "a decision is for a request asked")
        need(decision.request.request_record_number not in refused_rows, "nothing of a refused request settles")
        for result in decision.results:
            need(result.subject_reference == decision.request.subject_reference, "the answer is the person asked")
            if decision.request.subject_resident_code and result.result_code == ResultCode.FOUND:
                need(result.resident_code == decision.request.subject_resident_code, "the resident code asked")
            need(_as_fields(result) in rows, "every value settled came from the file")
        for r in decision.results:
            if decision.verdict is Verdict.ADDRESS_CHANGED:
                need(_valid(Address, municipality_code=r.municipality_code, line=r.address), "an address to apply")
            if r.name_kanji:
                family, _, given = r.name_kanji.partition("\u3000")
                kana_family, _, kana_given = r.name_kana.partition("\u3000")
                need(_valid(Name, family=family, given=given), "a name the register accepts")
                need(_valid(NameKana, family=kana_family, given=kana_given), "kana the register accepts")
    return broken


def _valid(model: Callable[..., object], **values: str) -> bool:
    try:
        model(**values)
    except ValueError:
        return False
    return True


def judge(request_lines: list[str], data: bytes, run_id: str, chunk_no: int, chunk: int) -> list[str]:
    """The pure worker path over one file (bytes read in ``chunk``-sized pieces): broken invariants."""
    _, requests = decode_requests(iter(request_lines))
    asked = list(requests)
    _, rows = request_rows(iter(request_lines))
    reader = ResultReader(TextLines(chunks_of(data, chunk)))
    out = assess(rows, reader, run_id, chunk_no)
    return check_outcome(out, reader, asked, data, run_id, chunk_no)
