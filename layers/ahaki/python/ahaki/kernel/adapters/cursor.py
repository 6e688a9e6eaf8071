"""Page cursors: DynamoDB's ``LastEvaluatedKey`` handed to the caller as an opaque string, and
checked when it comes back.

A cursor comes back as input. Whatever it decodes to must be a start key DynamoDB accepts (the
attributes this list's keys have, each of its type, no empty value, within DynamoDB's key sizes)
and one this list could have returned (its fixed attributes, the caller's partition, equal), or
the caller gets a 422 naming the cursor: never a 500 from DynamoDB, never another partition's page.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from ahaki.kernel.errors import InvalidInput

# DynamoDB's limits on a key attribute: 2,048 bytes for a partition key, 1,024 for a sort key
# (the smaller for every attribute here: none of ours comes near it).
KEY_MAX_BYTES = 1024
_NUMBER = re.compile(r"-?[0-9]{1,38}")  # the numbers our keys hold: whole, within DynamoDB's 38 digits
_REFUSED = "is not a cursor this list returned"
# A start key of ours encodes to a few hundred characters; anything far longer is not one, and is
# never decoded (JSON nested that deep would exhaust the parser's recursion).
CURSOR_MAX_CHARS = 4096


def encode_cursor(key: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, types: Mapping[str, str], fixed: Mapping[str, str]) -> dict[str, Any]:
    """The start key in ``cursor``: exactly the attributes of ``types`` (name: ``"S"`` or ``"N"``),
    those of ``fixed`` with the given string values."""
    key = _json(cursor)
    if not isinstance(key, dict) or set(key) != set(types):
        raise InvalidInput("cursor", _REFUSED)
    for name, kind in types.items():
        if not _valid(key[name], kind):
            raise InvalidInput("cursor", _REFUSED)
    if any(key[name] != {"S": value} for name, value in fixed.items()):
        raise InvalidInput("cursor", _REFUSED)
    return key


def encode_sort_key(sort_key: str) -> str:
    """A cursor of a list within one partition: the last sort key alone."""
    return base64.urlsafe_b64encode(sort_key.encode()).decode()


def decode_sort_key(cursor: str) -> str:
    if len(cursor) > CURSOR_MAX_CHARS:
        raise InvalidInput("cursor", _REFUSED)
    try:
        sort_key = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor", _REFUSED) from None
    if not _valid({"S": sort_key}, "S"):
        raise InvalidInput("cursor", _REFUSED)
    return sort_key


def _json(cursor: str) -> Any:
    if len(cursor) > CURSOR_MAX_CHARS:
        raise InvalidInput("cursor", _REFUSED)
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise InvalidInput("cursor", _REFUSED) from None


def _valid(value: Any, kind: str) -> bool:
    if not isinstance(value, dict) or set(value) != {kind} or not isinstance(value[kind], str):
        return False
    text: str = value[kind]
    if kind == "N":
        return _NUMBER.fullmatch(text) is not None
    try:
        size = len(text.encode("utf-8"))  # a lone surrogate from JSON's escapes is no UTF-8: refused
    except UnicodeEncodeError:
        return False
    return 0 < size <= KEY_MAX_BYTES
