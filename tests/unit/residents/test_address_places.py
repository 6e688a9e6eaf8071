"""The sync's address comparison as a place: the municipality by its code (its name in the line
stripped), and a number written at two different levels (4丁目2番 and 4番2号) is two places."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ahaki.kernel.identifiers import validate_local_government_code
from ahaki.residents.domain.jlis import RequestRecord, ResultRecord
from ahaki.residents.domain.notation.addresses import MUNICIPALITIES, MUNICIPALITIES_VERSION, MUNICIPALITY
from ahaki.residents.domain.sync import classify, compare
from ahaki.residents.domain.verdicts import Verdict
from benchmarks.sync_notation import SAME, _pair


def _answer(ours: str, theirs: str, code: str = "131016") -> tuple[RequestRecord, tuple[ResultRecord]]:
    request, result = _pair(7, SAME, random.Random(1))
    request = replace(request, subject_address=ours, subject_municipality_code=code)
    return request, (replace(result, address=theirs, municipality_code=code),)


def _verdict(ours: str, theirs: str, code: str = "131016", off: frozenset[str] = frozenset()) -> Verdict:
    request, results = _answer(ours, theirs, code)
    verdict = compare(request, results, off)
    assert classify(request, results, off).verdict == verdict  # the lean path and the full one agree
    return verdict


# -- the municipality's name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "theirs", "code"),
    [
        ("千代田区一番町4-2-101", "一番町四丁目2番地101", "131016"),
        ("一番町4-2-101", "東京都千代田区一番町4-2-101", "131016"),
        ("東京都 千代田区 一番町4-2-101", "一番町4丁目2番101号", "131016"),
        ("港区芝公園4-2-8", "芝公園四丁目2番8号", "131032"),
        ("札幌市中央区北5条西4-7", "北5条西4丁目7番地", "011011"),
        ("中央区北5条西4-7", "北海道札幌市中央区北5条西4-7", "011011"),
    ],
)
def test_the_municipality_written_on_one_side_only_is_notation(ours: str, theirs: str, code: str) -> None:
    assert _verdict(ours, theirs, code) is Verdict.NOTATION
    request, results = _answer(ours, theirs, code)
    assert MUNICIPALITY in classify(request, results, explain=True).folded


def test_the_municipality_is_stripped_only_by_its_own_code_and_only_when_the_rule_is_on() -> None:
    # 港区 is not the municipality of 131016: a line that begins with it is another place.
    assert _verdict("港区芝公園4-2-8", "芝公園4-2-8", "131016") is Verdict.ADDRESS_CHANGED
    # A code the table does not know strips nothing (the safe side: raised, staff see it).
    assert "131024" not in MUNICIPALITIES
    assert _verdict("中央区銀座1-1", "銀座1-1", "131024") is Verdict.ADDRESS_CHANGED
    assert _verdict("千代田区一番町4-2", "一番町4-2", off=frozenset({MUNICIPALITY})) is Verdict.ADDRESS_CHANGED
    # Both sides written with it: the same place, and the name is not why.
    request, results = _answer("千代田区一番町4-2", "千代田区一番町四丁目2番地")
    assert MUNICIPALITY not in classify(request, results, explain=True).folded


def test_the_municipality_table_is_versioned_and_its_codes_are_valid() -> None:
    assert MUNICIPALITIES_VERSION
    for code in MUNICIPALITIES:
        assert validate_local_government_code(code) == code


# -- 丁目-番 and 番地-号: what a hyphen means ---------------------------------------------------------


@pytest.mark.parametrize(
    "theirs",
    ["一番町四丁目2番地101", "一番町4丁目2番101号", "一番町4番地2号101", "一番町4番2号101", "一番町4番地の2の101"],
)
def test_a_hyphenated_line_is_the_same_place_as_each_long_form_with_its_numbers(theirs: str) -> None:
    assert _verdict("千代田区一番町4-2-101", "千代田区" + theirs) is Verdict.NOTATION


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("一番町4丁目2番", "一番町4番2号"),
        ("一番町四丁目2番地101", "一番町4番2号101"),
        ("一番町4丁目2番101号", "一番町4番地2号101"),
        ("一番町4丁目", "一番町4番"),
    ],
)
def test_two_long_forms_with_a_number_at_different_levels_are_two_places(ours: str, theirs: str) -> None:
    assert _verdict(ours, theirs) is Verdict.ADDRESS_CHANGED


_LEVELS = {"丁目": "丁目", "番地": "番", "番": "番", "号": "号"}


@st.composite
def _long_form(draw: st.DrawFn, numbers: list[int]) -> tuple[str, list[str | None]]:
    markers = draw(st.lists(st.sampled_from(list(_LEVELS)), min_size=len(numbers), max_size=len(numbers)))
    last_bare = draw(st.booleans())  # 2番地101: the last number without a marker
    written, levels = "", list[str | None]()
    for i, (number, marker) in enumerate(zip(numbers, markers, strict=True)):
        if i == len(numbers) - 1 and last_bare and i > 0:
            written += str(number)
            levels.append(None)
        else:
            written += f"{number}{marker}"
            levels.append(_LEVELS[marker])
    return written, levels


@settings(max_examples=300, deadline=None)
@given(data=st.data(), numbers=st.lists(st.integers(1, 99), min_size=1, max_size=3))
def test_never_two_levels_folded_into_one_place(data: st.DataObject, numbers: list[int]) -> None:
    (a, a_levels), (b, b_levels) = data.draw(_long_form(numbers)), data.draw(_long_form(numbers))
    town = "千代田区一番町"
    hyphens = town + "-".join(map(str, numbers))
    agree = all(x is None or y is None or x == y for x, y in zip(a_levels, b_levels, strict=True))
    assert _verdict(town + a, town + b) is _expected(a == b, agree)
    assert _verdict(hyphens, town + a) in (Verdict.NOTATION, Verdict.UNCHANGED)  # a hyphen: any level


def _expected(identical: bool, agree: bool) -> Verdict:
    if identical:
        return Verdict.UNCHANGED
    return Verdict.NOTATION if agree else Verdict.ADDRESS_CHANGED
