"""A cheaper rollback for moto's DynamoDB transactions, used by the concurrency benchmarks only.

moto 5.2.5 (``DynamoDBBackend.transact_write_items``) deep-copies the whole table for every item
of a transaction so it can roll back a cancelled one; the register table is copied three times
per registration, stream records included. The cost grows with the table: 200 registrations in
one thread took ~33 s (~0.28 s each at the end), so under contention the figures would measure
moto's copying, not our code. Here the backup is taken of the touched items only, and restored
if the transaction fails, which leaves the same items in the tables as moto's own rollback.
One difference: stream records of a cancelled transaction stay in the (emulated) stream;
nothing in the benchmarks reads the stream.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

Saved = tuple[Any, DynamoType, DynamoType | None, Item | None]


def _deepcopy_but_tables(value: Any, memo: dict[int, Any] | None = None) -> Any:
    # moto's own whole-table backup becomes a reference; our item backup replaces it.
    return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> list[Saved]:
    saved: list[Saved] = []
    for entry in transact_items:
        for op_type, op in entry.items():
            table = backend.tables.get(op.get("TableName"))
            attrs = op.get("Item" if op_type == "Put" else "Key") or {}
            if table is None or table.hash_key_attr not in attrs:
                continue  # moto itself reports what is wrong with this item
            hash_key = DynamoType(attrs[table.hash_key_attr])
            range_key = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in attrs:
                    continue
                range_key = DynamoType(attrs[table.range_key_attr])
            current = table.get_item(hash_key, range_key)
            saved.append((table, hash_key, range_key, copy.deepcopy(current)))
    return saved


def _restore(saved: list[Saved]) -> None:
    for table, hash_key, range_key, item in reversed(saved):
        if range_key is None:
            if item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        elif item is None:
            table.items.get(hash_key, {}).pop(range_key, None)
        else:
            table.items[hash_key][range_key] = item


@contextmanager
def cheap_transaction_rollback() -> Iterator[None]:
    original: Callable[..., None] = DynamoDBBackend.transact_write_items
    original_copy = getattr(dynamodb_models, "copy")  # noqa: B009 - not exported by moto

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = _touched(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            _restore(saved)
            raise

    shim = SimpleNamespace(**{name: getattr(copy, name) for name in copy.__all__})
    shim.deepcopy = _deepcopy_but_tables
    setattr(DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010 - patching a method
    setattr(dynamodb_models, "copy", shim)  # noqa: B010 - only moto's models module sees the shim
    try:
        yield
    finally:
        setattr(DynamoDBBackend, "transact_write_items", original)  # noqa: B010
        setattr(dynamodb_models, "copy", original_copy)  # noqa: B010
