"""The comparison's short path: a result row that echoes its request is decided without records.

Every case is checked against the full path (records, validation, ``compare``): the short path
may only ever say "unchanged" where the full path says so too, and must leave every other row,
and every malformed file, to the full path.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from ahaki.residents.adapters.jlis_fake import FakeJlis, Scenario, resident_code_for, resident_of
from ahaki.residents.domain.jlis import RequestRecord
from ahaki.residents.domain.jlis_codec import (
    Rejected,
    ResultReader,
    csv_rows,
    decode_requests,
    encode_requests,
    exact,
    request_rows,
)
from ahaki.residents.domain.jlis_mapping import request_for
from ahaki.residents.domain.sync import Decision, Unanswered, Unchanged, compare, reconcile
from ahaki.residents.domain.verdicts import Verdict
from tests.unit.residents.test_jlis_codec import _people

_ITEMS = 6  # people in tests.unit.residents.test_jlis_codec._people


def _by_resident_code() -> tuple[FakeJlis, list[str], list[RequestRecord]]:
    """A month after the first run: every registrant asked by the resident code we learned."""
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    requests = [
        request_for(r, i, date(2026, 12, 1), resident_code=resident_code_for(n))
        for i, (r, n) in enumerate(people, start=1)
    ]
    return fake, [n for _, n in people], requests


def _lines(fake: FakeJlis, requests: list[RequestRecord]) -> tuple[list[str], list[str]]:
    request_lines = list(encode_requests("run-2", 1, "20261201000000", requests))
    return request_lines, list(fake.answer(iter(request_lines)))


def _reconcile(request_lines: list[str], result_lines: list[str]) -> tuple[list[object], ResultReader]:
    _, rows = request_rows(iter(request_lines))
    reader = ResultReader(iter(result_lines))
    return list(reconcile(rows, reader)), reader


def _full_path(request_lines: list[str], result_lines: list[str]) -> list[str]:
    """What the full path decides for each request of a well-formed one-row-per-request file."""
    _, requests = decode_requests(iter(request_lines))
    records = [r for r in ResultReader(iter(result_lines)) if not isinstance(r, Rejected)]
    return [compare(q, (r,)).value for q, r in zip(requests, records, strict=True)]


def _accounted(items: list[object]) -> int:
    """Result rows accounted for: every data row is unchanged, in a decision, or rejected."""
    return sum(
        1 if isinstance(i, Unchanged | Rejected) else len(i.results) if isinstance(i, Decision) else 0 for i in items
    )


def _unchanged(items: list[object]) -> list[int]:
    """Request numbers found unchanged, by either path."""
    return [
        i.request_record_number if isinstance(i, Unchanged) else i.request.request_record_number
        for i in items
        if isinstance(i, Unchanged) or (isinstance(i, Decision) and i.verdict is Verdict.UNCHANGED)
    ]


def test_echoes_are_unchanged_without_records_and_agree_with_the_full_path() -> None:
    fake, numbers, requests = _by_resident_code()
    fake.dial(numbers[2], Scenario.MOVED)
    fake.dial(numbers[4], Scenario.RENAMED)
    request_lines, result_lines = _lines(fake, requests)
    items, reader = _reconcile(request_lines, result_lines)
    kinds = ["Unchanged", "Unchanged", "Decision", "Unchanged", "Decision", "Unchanged"]
    assert [type(i).__name__ for i in items] == kinds
    assert [i.verdict.value for i in items] == _full_path(request_lines, result_lines)  # type: ignore[attr-defined]
    assert [i.subject_reference for i in items if isinstance(i, Unchanged)] == ["q-0", "q-1", "q-3", "q-5"]
    assert reader.problem is None and _accounted(items) == reader.data_rows == _ITEMS


def test_asked_by_my_number_takes_the_full_path_so_the_resident_code_is_learned() -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    requests = [request_for(r, i, date(2026, 12, 1), my_number=n) for i, (r, n) in enumerate(people, start=1)]
    items, _ = _reconcile(*_lines(fake, requests))
    assert all(isinstance(i, Decision) and i.verdict is Verdict.UNCHANGED for i in items)


# Each position a result row is compared on (items 43-53 and the extensions): changing any one of
# them must send the row to the full path.
_POSITIONS = {
    3: "01",  # result_code: not found
    4: "2",  # result_record_count
    7: "1",  # changed
    8: "2",  # vital_status: deceased
    9: "NAME",  # change_status
    10: "99999999999",  # resident_code
    11: "別人\u3000名",  # name_kanji
    12: "ベツ\u3000ナ",  # name_kana
    13: "19700101",  # birth_date
    14: "9",  # sex (not a sex code: the full path refuses the row)
    15: "別の住所1",  # address
    16: "131032",  # municipality_code
    17: "123456789018",  # my_number
}


@pytest.mark.parametrize("position", sorted(_POSITIONS))
def test_a_row_differing_in_any_compared_item_takes_the_full_path(position: int) -> None:
    fake, _, requests = _by_resident_code()
    request_lines, result_lines = _lines(fake, requests)
    fields = result_lines[2].rstrip("\n").split(",")
    fields[position] = _POSITIONS[position]
    result_lines[2] = ",".join(fields) + "\n"
    items, reader = _reconcile(request_lines, result_lines)
    assert 2 not in [i.request_record_number for i in items if isinstance(i, Unchanged)]
    assert set(_unchanged(items)) >= {1, 3, 4, 5, 6}
    assert _accounted(items) == reader.data_rows


def test_an_echo_followed_by_more_rows_for_its_request_is_a_group_not_unchanged() -> None:
    fake, _, requests = _by_resident_code()
    request_lines, result_lines = _lines(fake, requests)
    second_of_two = result_lines[2].replace("D,2,q-1,00,1,1,", "D,2,q-1,00,2,2,")
    result_lines = [*result_lines[:3], second_of_two, *result_lines[3:-1], f"T,{_ITEMS + 1}\n"]
    items, reader = _reconcile(request_lines, result_lines)
    assert not any(isinstance(i, Unchanged) and i.request_record_number == 2 for i in items)
    assert [i.reason for i in items if isinstance(i, Rejected)] == ["result group incomplete"] * 2
    assert [i.request.request_record_number for i in items if isinstance(i, Unanswered)] == [2]
    assert reader.problem is None and _accounted(items) == reader.data_rows


def test_a_duplicated_echo_is_decided_once_and_the_copy_rejected() -> None:
    fake, _, requests = _by_resident_code()
    request_lines, result_lines = _lines(fake, requests)
    result_lines = [*result_lines[:3], result_lines[2], *result_lines[3:]]
    items, reader = _reconcile(request_lines, result_lines)
    assert _unchanged(items) == [1, 2, 3, 4, 5, 6]  # 2 by the full path, as a group of one
    assert [i.reason for i in items if isinstance(i, Rejected)] == ["duplicate record"]
    assert reader.problem == "trailer count does not reconcile" and _accounted(items) == reader.data_rows


def test_an_echo_after_a_change_is_still_short_and_an_out_of_order_echo_is_rejected() -> None:
    fake, numbers, requests = _by_resident_code()
    fake.dial(numbers[0], Scenario.MOVED)
    request_lines, result_lines = _lines(fake, requests)
    moved_back = [*result_lines[:-1], result_lines[2], result_lines[-1]]  # row 2 again, at the end
    items, reader = _reconcile(request_lines, moved_back)
    assert [type(i).__name__ for i in items][:_ITEMS] == ["Decision", *["Unchanged"] * (_ITEMS - 1)]
    assert [i.reason for i in items if isinstance(i, Rejected)] == ["record out of order"]
    assert _accounted(items) == reader.data_rows


def test_record_numbers_with_leading_zeros_are_refused() -> None:
    fake, _, requests = _by_resident_code()
    request_lines, result_lines = _lines(fake, requests)
    result_lines[1] = result_lines[1].replace("D,1,", "D,01,", 1)
    items, _ = _reconcile(request_lines, result_lines)
    assert [i.reason for i in items if isinstance(i, Rejected)] == ["malformed record numbers"]
    assert [i.request.request_record_number for i in items if isinstance(i, Unanswered)] == [1]


@pytest.mark.parametrize(
    "line",
    [
        "D,1,q-0,00\n",
        "D,1,q-0,00",  # the last line, without its newline
        "D,1,q-0,00\r\n",  # CRLF
        'D,1,"q-0",00\n',  # a quoted value
        'D,1,"q,0",00\n',  # a quoted comma
        'D,1,"q""0",00\n',  # a doubled quote
        "D,1,q\x000,00\n",  # a NUL
        "\n",
        "T,6\n",
    ],
)
def test_rows_read_as_the_csv_module_reads_them(line: str) -> None:
    (row,) = list(csv_rows([line]))
    assert exact(row) == (next(csv.reader([line]), None) or [""])


def test_a_quoted_result_row_is_read_as_csv_and_still_decided() -> None:
    fake, _, requests = _by_resident_code()
    request_lines, result_lines = _lines(fake, requests)
    fields = result_lines[2].split(",")
    fields[2] = f'"{fields[2]}"'  # q-1, quoted: same value, another spelling
    result_lines[2] = ",".join(fields)
    items, reader = _reconcile(request_lines, result_lines)
    assert _unchanged(items) == [1, 2, 3, 4, 5, 6]
    assert reader.problem is None and _accounted(items) == reader.data_rows
