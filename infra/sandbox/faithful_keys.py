"""Key values DynamoDB refuses are refused by the emulation too (moto 5.2.5 lets them through).

DynamoDB answers ``ValidationException`` to a key attribute that is an empty string or empty
binary, a partition key over 2,048 bytes or a sort key over 1,024 bytes, wherever a key is
named: ``Key`` of GetItem, UpdateItem, DeleteItem and of a transaction's items, and the
``ExclusiveStartKey`` of Query and Scan. moto checks only some of these (GetItem's empty values,
PutItem's sizes), so a key made from a request's input (a cursor, a path parameter) looked fine
in every test and would have been a 500 in AWS.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from moto.dynamodb.exceptions import HashKeyTooLong, MockValidationException, RangeKeyTooLong
from moto.dynamodb.models import DynamoDBBackend

HASH_KEY_MAX_BYTES = 2048
RANGE_KEY_MAX_BYTES = 1024
_EMPTY = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain"
    " an empty string value. Key: {}"
)
_START_KEY = "The provided starting key is invalid: {}"
_patched = False


def _size(value: Mapping[str, Any]) -> int:
    (kind, raw), *_ = value.items()
    return len(raw.encode()) if kind == "S" and isinstance(raw, str) else len(str(raw))


def check_key(backend: DynamoDBBackend, table_name: str, key: Mapping[str, Any] | None, start: bool = False) -> None:
    """Raise what DynamoDB raises for ``key`` of ``table_name`` (a start key: all its attributes)."""
    if not key:
        return
    table = backend.get_table(table_name)
    for name, value in key.items():
        if not isinstance(value, Mapping) or len(value) != 1:
            continue  # a malformed value: botocore refuses it before it is sent
        (kind, raw), *_ = value.items()
        if kind in ("S", "B") and raw == "":
            message = _EMPTY.format(name)
            raise MockValidationException(_START_KEY.format(message) if start else message)
        if name == table.hash_key_attr and _size(value) > HASH_KEY_MAX_BYTES:
            raise HashKeyTooLong
        if name == table.range_key_attr and _size(value) > RANGE_KEY_MAX_BYTES:
            raise RangeKeyTooLong


def _checking(original: Callable[..., Any], argument: str, start: bool) -> Callable[..., Any]:
    signature = inspect.signature(original)

    def checked(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        check_key(self, bound.arguments["table_name"], bound.arguments.get(argument), start)
        return original(self, *args, **kwargs)

    return checked


def faithful_key_values() -> None:
    """Install the checks on moto's DynamoDB backend (idempotent)."""
    global _patched
    if _patched:
        return
    backend: Any = DynamoDBBackend  # moto's methods, replaced on the class
    backend.get_item = _checking(DynamoDBBackend.get_item, "keys", start=False)
    backend.update_item = _checking(DynamoDBBackend.update_item, "key", start=False)
    backend.delete_item = _checking(DynamoDBBackend.delete_item, "key", start=False)
    backend.query = _checking(DynamoDBBackend.query, "exclusive_start_key", start=True)
    backend.scan = _checking(DynamoDBBackend.scan, "exclusive_start_key", start=True)
    transact = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        for item in transact_items:
            operation = next(iter(item.values()))
            if "Key" in operation:
                check_key(self, operation["TableName"], operation["Key"])
        transact(self, transact_items)

    backend.transact_write_items = transact_write_items
    _patched = True
