"""The J-LIS file codec and the comparison: pure, streaming, strict about bad input."""

from __future__ import annotations

from datetime import date

import pytest

from ahaki.registry.domain.registrant import Registrant
from ahaki.residents.adapters.jlis_fake import FakeJlis, Scenario, resident_of
from ahaki.residents.domain.jlis import RequestRecord
from ahaki.residents.domain.jlis_codec import (
    CodecError,
    Rejected,
    ResultReader,
    decode_requests,
    encode_requests,
    request_rows,
)
from ahaki.residents.domain.jlis_mapping import request_for
from ahaki.residents.domain.sync import Decision, Unanswered, reconcile
from ahaki.residents.domain.verdicts import Verdict
from tests.data import my_number, registration, remember

_N = 6
_NOT_RECONCILED = "trailer count does not reconcile"


def _people() -> list[tuple[Registrant, str]]:
    people = []
    for i in range(_N):
        body = registration()
        number = body.pop("my_number")
        registrant = Registrant.model_validate(
            {
                **body,
                "tenant_id": "foundation",
                "qualification_pseudonym_id": f"q-{i}",
                "registration_number": i + 1,
                "registered_on": "2020-04-01",
                "qualification": "anma_massage_shiatsu",
            }
        )
        people.append((registrant, number))
    return people


def _requests(people: list[tuple[Registrant, str]]) -> list[RequestRecord]:
    return [request_for(r, i, date(2026, 11, 1), my_number=n) for i, (r, n) in enumerate(people, start=1)]


def _run(fake: FakeJlis, requests: list[RequestRecord], mangle: object = None) -> tuple[list[object], ResultReader]:
    request_lines = list(encode_requests("run-1", 1, "20261101000000", requests))
    result_lines = list(fake.answer(iter(request_lines)))
    if callable(mangle):
        result_lines = mangle(result_lines)
    _, again = request_rows(iter(request_lines))
    reader = ResultReader(iter(result_lines))
    return list(reconcile(again, reader)), reader


def _verdicts(items: list[object]) -> list[str]:
    return [i.verdict.value if isinstance(i, Decision) else type(i).__name__ for i in items]


def test_request_file_round_trips() -> None:
    people = _people()
    requests = _requests(people)
    header, decoded = decode_requests(iter(list(encode_requests("run-1", 3, "20261101000000", requests))))
    assert header.chunk_no == 3 and list(decoded) == requests


def test_every_scenario_gets_its_verdict() -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    for (_, number), scenario in zip(people, [None, *list(Scenario)[:5]], strict=True):
        if scenario is not None:
            fake.dial(number, scenario)
    items, reader = _run(fake, _requests(people))
    assert _verdicts(items) == ["unchanged", "address_changed", "name_changed", "deceased", "removed", "not_found"]
    assert reader.problem is None and reader.data_rows == _N
    for resident_line in [i.results[0].address for i in items if isinstance(i, Decision)]:
        remember({"address": {"line": resident_line}})


def test_several_matches_are_one_decision_over_all_their_records() -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    fake.dial(people[2][1], Scenario.SEVERAL_MATCHES)
    items, reader = _run(fake, _requests(people))
    several = [i for i in items if isinstance(i, Decision) and i.verdict is Verdict.SEVERAL_MATCHES]
    assert len(several) == 1 and len(several[0].results) == 2
    assert reader.data_rows == _N + 1


def test_a_malformed_record_is_rejected_and_its_request_unanswered() -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    fake.dial(people[1][1], Scenario.MALFORMED)
    items, reader = _run(fake, _requests(people))
    assert _verdicts(items).count("Rejected") == 1
    assert [i.request.request_record_number for i in items if isinstance(i, Unanswered)] == [2]
    assert reader.data_rows == _N


@pytest.mark.parametrize(
    ("mangle", "problem", "rejected"),
    [
        (lambda lines: lines[:-2], "truncated: no trailer", 0),  # last record and trailer lost
        (lambda lines: [lines[0].replace(",1,run", ",9,run"), *lines[1:]], "unknown format version", _N),
        (lambda lines: [*lines[:-1], "T,99\n"], "trailer count does not reconcile", 0),
        (lambda lines: [lines[0], lines[1], *lines[1:]], _NOT_RECONCILED, 1),  # a duplicate record
        (lambda lines: [*lines[:-1], lines[1], lines[-1]], _NOT_RECONCILED, 1),  # out of order
        (lambda lines: [*lines, lines[1]], _NOT_RECONCILED, 1),  # after the trailer
    ],
)
def test_bad_files_are_quarantined_with_a_reason(mangle: object, problem: str | None, rejected: int) -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    items, reader = _run(fake, _requests(people), mangle)
    assert reader.problem == problem
    reasons = [i.reason for i in items if isinstance(i, Rejected)]
    assert len(reasons) == rejected
    # Every data row is either part of a decision or rejected: nothing silently dropped.
    decided = sum(len(i.results) for i in items if isinstance(i, Decision))
    assert decided + len(reasons) == reader.data_rows


def test_a_result_for_someone_not_requested_is_rejected() -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    requests = _requests(people)
    items, _ = _run(fake, requests, lambda lines: [*lines[:-1], lines[-2].replace(f"D,{_N},", f"D,{_N + 5},"), "T,7\n"])
    assert [i.reason for i in items if isinstance(i, Rejected)] == ["result for a record not in the request"]


def test_our_own_request_file_must_be_intact() -> None:
    lines = list(encode_requests("run-1", 1, "20261101000000", _requests(_people())))
    _, records = decode_requests(iter(lines[:-1]))
    with pytest.raises(CodecError, match="truncated"):
        list(records)


def test_look_up_by_the_four_basic_items_returns_the_my_number() -> None:
    people = _people()
    fake = FakeJlis(resident_of(r, n) for r, n in people)
    registrant, number = people[0]
    records = fake.look_up(request_for(registrant, 1, date(2026, 11, 1)))
    assert [r.my_number for r in records if r.subject_reference == "q-0"][:1] == [number]
    assert my_number() != number
