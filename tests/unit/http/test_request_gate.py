"""Properties of the request gate's JSON rules: any text is parsed or refused with MalformedBody,
and the depth counted without parsing is the depth the parser sees."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahaki.http.request_gate import MAX_DEPTH, MalformedBody, nesting_depth, parse

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=40,
)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@given(json_values)
def test_the_depth_counted_without_parsing_is_the_parsed_depth(value: Any) -> None:
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert nesting_depth(text) == _depth(value)


@given(st.text(alphabet='{}[]"\\:,0123456789.eE+-truefalsnNIiy \n', max_size=60) | st.text(max_size=60))
def test_any_text_is_parsed_or_refused_with_a_reason(text: str) -> None:
    reason = ""
    try:
        parse(text)
    except MalformedBody as refused:
        reason = str(refused)
    assert reason == "" or reason.startswith("The request body")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000, 10_000_000])
def test_deep_nesting_is_refused_before_parsing(depth: int) -> None:
    with pytest.raises(MalformedBody, match="nested deeper"):
        parse("[" * depth + "]" * depth)
    assert parse("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


@given(st.text(min_size=1, max_size=5), st.text(max_size=5))
def test_a_key_given_twice_is_refused(key: str, value: str) -> None:
    with pytest.raises(MalformedBody, match="twice"):
        parse(json.dumps({key: value})[:-1] + ", " + json.dumps(key) + ": 1}")
