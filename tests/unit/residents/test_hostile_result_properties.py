"""Hostile result files through the pure worker path (lines, codec, reconcile, the chunk's
judgement): generated from an honest answer by mutation; every invariant holds for every file."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahaki.residents.domain import sync_outcome
from ahaki.residents.domain.jlis_codec import ResultReader, request_rows
from ahaki.residents.domain.jlis_lines import TextLines
from tests.hostile_files import HOSTILE_VALUES, REPEAT, Mutation, honest_files, judge, mutate, mutations

_FILES = {True: honest_files(True), False: honest_files(False)}


def test_the_honest_answer_settles_everyone() -> None:
    for request_lines, answer, _ in _FILES.values():
        assert judge(request_lines, answer, "run-12", 1, 1 << 20) == []


@settings(max_examples=150 * REPEAT, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), mutations(), st.sampled_from([1, 7, 64, 1 << 20]))
def test_every_mutated_file_keeps_the_invariants(by_code: bool, drawn: tuple[list[Mutation], bool], chunk: int) -> None:
    request_lines, answer, foreign = _FILES[by_code]
    ops, retrail = drawn
    data = mutate(answer, ops, retrail, foreign)
    assert judge(request_lines, data, "run-12", 1, chunk) == []


@settings(max_examples=30 * REPEAT, deadline=None)
@given(st.integers(0, 10**6))
def test_truncated_at_any_byte_nothing_settles_from_the_cut_file(cut: int) -> None:
    request_lines, answer, _ = _FILES[True]
    data = answer[: cut % len(answer)]
    assert judge(request_lines, data, "run-12", 1, 1 << 20) == []


_IDENTITY_FIELDS = [1, 2, 3, 4, 5, 8, 10, 11, 13, 15, 16, 17]


@pytest.mark.parametrize("field", _IDENTITY_FIELDS)
@settings(max_examples=12 * REPEAT, deadline=None)
@given(i=st.integers(1, 7), j=st.integers(1, 7), by_code=st.booleans())
def test_a_field_swapped_between_two_people_never_settles_as_theirs(field: int, i: int, j: int, by_code: bool) -> None:
    request_lines, answer, foreign = _FILES[by_code]
    data = mutate(answer, [Mutation("swap_field", i, j, field)], False, foreign)
    assert judge(request_lines, data, "run-12", 1, 1 << 20) == []


@settings(max_examples=40 * REPEAT, deadline=None)
@given(st.integers(1, 7), st.integers(0, 17), st.sampled_from(HOSTILE_VALUES), st.booleans())
def test_a_hostile_value_in_any_field_is_refused_or_harmless(row: int, field: int, value: str, by_code: bool) -> None:
    request_lines, answer, foreign = _FILES[by_code]
    data = mutate(answer, [Mutation("field", row, field, value=value)], False, foreign)
    assert judge(request_lines, data, "run-12", 1, 1 << 20) == []


def test_memory_stays_bounded_a_file_refusing_too_many_requests_is_refused_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sync_outcome, "MAX_REFUSED", 2)
    request_lines, answer, _ = _FILES[True]
    lines = answer.decode().split("\n")[:-2]
    bogus = [f"D,{n},x" for n in range(100, 110)]  # rows of requests never asked
    data = "\n".join([*lines, *bogus, f"T,{len(lines) - 1 + len(bogus)}", ""]).encode()
    _, rows = request_rows(iter(request_lines))
    out = sync_outcome.assess(rows, ResultReader(TextLines([data])), "run-12", 1)
    assert out.problem == "too many refused rows" and not out.decisions
    assert judge(request_lines, data, "run-12", 1, 64) == []
