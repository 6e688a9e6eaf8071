"""Page cursors: what a list hands out comes back whole; anything else is refused as the cursor."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ahaki.kernel.adapters.cursor import decode_cursor, decode_sort_key, encode_cursor, encode_sort_key
from ahaki.kernel.errors import InvalidInput

TYPES = {"pk": "S", "sk": "S", "gsi": "S", "gsi_sk": "N"}
_KEY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60)  # UTF-8 only


@given(_KEY_TEXT, _KEY_TEXT, st.integers(min_value=0, max_value=10**12))
def test_a_cursor_a_list_returned_comes_back_as_its_key(pk: str, sk: str, number: int) -> None:
    key = {"pk": {"S": pk}, "sk": {"S": sk}, "gsi": {"S": "T#t#ST#registered"}, "gsi_sk": {"N": str(number)}}
    assert decode_cursor(encode_cursor(key), TYPES, {"gsi": "T#t#ST#registered"}) == key


@given(_KEY_TEXT)
def test_a_sort_key_cursor_comes_back_as_its_sort_key(sort_key: str) -> None:
    assert decode_sort_key(encode_sort_key(sort_key)) == sort_key


@given(st.text(max_size=200))
def test_any_text_is_a_key_or_refused_as_the_cursor(cursor: str) -> None:
    fields = []
    for decode in (lambda c: decode_cursor(c, TYPES, {}), decode_sort_key):
        try:
            decode(cursor)
        except InvalidInput as refused:
            fields.append(refused.field)
    assert set(fields) <= {"cursor"}


@pytest.mark.parametrize(
    "key",
    [
        {"pk": {"S": ""}, "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1"}},  # empty
        {"pk": {"S": "x" * 1025}, "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1"}},  # too long
        {"pk": {"S": "\ud800"}, "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1"}},  # not UTF-8
        {"pk": {"N": "1"}, "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1"}},  # wrong type
        {"pk": {"S": "k"}, "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1e400"}},  # not a whole number
        {"pk": {"S": "k"}, "sk": {"S": "s"}, "gsi": {"S": "p"}},  # an attribute missing
        {"pk": {"S": "k"}, "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1"}, "x": {"S": "1"}},  # one more
        {"pk": "k", "sk": {"S": "s"}, "gsi": {"S": "p"}, "gsi_sk": {"N": "1"}},  # not an attribute value
        {"pk": {"S": "k"}, "sk": {"S": "s"}, "gsi": {"S": "another partition"}, "gsi_sk": {"N": "1"}},
    ],
)
def test_a_start_key_dynamodb_or_this_list_would_refuse_is_refused(key: dict[str, object]) -> None:
    with pytest.raises(InvalidInput, match="cursor"):
        decode_cursor(encode_cursor(key), TYPES, {"gsi": "p"})


@pytest.mark.parametrize("depth", [100_000, 1_000])
def test_a_cursor_nested_past_any_key_is_refused_as_the_cursor(depth: int) -> None:
    cursor = base64.urlsafe_b64encode(b"[" * depth + b"]" * depth).decode()
    with pytest.raises(InvalidInput, match="cursor"):
        decode_cursor(cursor, TYPES, {})
