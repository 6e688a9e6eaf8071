"""moto at the scale of the fault figure (100,000 registrants): its costs that grow with the table.

moto 5.2.5's DynamoDB query walks *every item of the table* for each page (``Table.all_items``),
sorts an index's matches with Python-level ``DynamoType`` comparisons and skips the previous pages
item by item; and its generic response serializer walks the service model for every attribute of
every returned item (~2-3 ms per 1 KB item on this machine). At 100,000 registrants one by_status
page took seconds, so the figure measured moto, not our code. Here, only while the figure runs:

- a table query (no index) looks at its own partition only, which is what moto filters it to,
  kept in range-key order until the next write to it, and narrowed to a BETWEEN or begins_with
  range by bisection (moto otherwise sizes every item of the partition for every page);
- an index query with a hash condition only (by_status) starts from a sorted list of the index's
  matches kept per table until the next write to that table, positioned by bisection after the
  exclusive start key; moto then applies its own limit, 1 MB page size, projection and
  LastEvaluatedKey to the ``limit + 1`` candidates it is given, so pages are the ones moto makes;
- a query's results are not deep-copied (nothing writes to them before they are serialized);
- read results (GetItem, Query, Scan, BatchGetItem), already plain DynamoDB JSON once moto has
  turned them into dicts, are written with ``json.dumps``.

The results are the same items in the same order (``tests/integration/platform/test_moto_speed.py``).
"""

from __future__ import annotations

import bisect
import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from moto.core.responses import ActionContext
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import table as table_module
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult

_CACHE = "_bench_index_cache"
_QUERY_ARGS = (
    "hash_key",
    "range_comparison",
    "range_objs",
    "limit",
    "exclusive_start_key",
    "scan_index_forward",
    "projection_expressions",
    "index_name",
    "consistent_read",
    "filter_expression",
)
_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem"})


def _native(value: DynamoType | None) -> Any:
    if value is None:
        return ""
    return Decimal(value.value) if value.type == "N" else value.value


def _same(found: DynamoType | None, value: DynamoType) -> bool:
    return found is not None and found == value


def _cache(table: Table) -> dict[str, dict[Any, Any]]:
    cache: dict[str, dict[Any, Any]] = table.__dict__.setdefault(_CACHE, {"index": {}, "partition": {}})
    return cache


def forget(table: Table, hash_key: DynamoType | None = None) -> None:
    """After a write: drop the index orders and the written partition's order (all, if None)."""
    cache = _cache(table)
    cache["index"].clear()
    if hash_key is None:
        cache["partition"].clear()
    else:
        cache["partition"].pop(_native(hash_key), None)


def _partition(table: Table, hash_key: DynamoType) -> tuple[list[Any], list[Item]]:
    """A partition in range-key order, kept until a write to it."""
    cache = _cache(table)["partition"]
    key = _native(hash_key)
    if key not in cache:
        found = table.items.get(hash_key)
        if found is None:
            items: list[Item] = []
        elif table.range_key_attr:
            items = sorted(found.values(), key=lambda i: _native(i.range_key))
        else:
            items = [found]  # type: ignore[list-item]
        cache[key] = ([_native(i.range_key) for i in items] if table.range_key_attr else [], items)
    return cache[key]  # type: ignore[no-any-return]


def _in_range(table: Table, hash_key: DynamoType, comparison: str | None, values: list[DynamoType]) -> list[Item]:
    """The partition's items that can meet the range condition (moto still applies it)."""
    keys, items = _partition(table, hash_key)
    if comparison == "BETWEEN" and len(values) == 2:
        return items[bisect.bisect_left(keys, _native(values[0])) : bisect.bisect_right(keys, _native(values[1]))]
    if comparison == "BEGINS_WITH" and values and values[0].type == "S":
        prefix = str(values[0].value)
        first = last = bisect.bisect_left(keys, prefix)
        while last < len(keys) and str(keys[last]).startswith(prefix):
            last += 1
        return items[first:last]
    return items


def _ordered(table: Table, index_name: str, attr: str, value: DynamoType, sort_by: list[str]) -> Any:
    cache = _cache(table)["index"]
    key = (index_name, attr, _native(value))
    if key not in cache:
        index = table.get_index(index_name)
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        found = [
            item
            for item in table.all_items()
            if _same(item.attrs.get(attr), value) and all(item.attrs.get(r) for r in ranges)
        ]
        pairs = sorted(((tuple(_native(i.attrs.get(a)) for a in sort_by), i) for i in found), key=lambda p: p[0])
        cache[key] = ([p[0] for p in pairs], [p[1] for p in pairs])
    return cache[key]


def _fast_query(original: Callable[..., Any]) -> Callable[..., Any]:
    def query(self: Table, *args: Any, **kwargs: Any) -> Any:
        call = dict(zip(_QUERY_ARGS, args, strict=False)) | kwargs
        index_name = call.get("index_name")
        conditions = call.get("hash_key_conditions") or []
        # Filters apply after the limit (as in DynamoDB): only a range condition changes the count.
        plain = not call.get("range_comparison") and not call.get("range_key_conditions")
        plain = plain and not set(call) - {*_QUERY_ARGS, "hash_key_conditions", "range_key_conditions"}
        hash_key = call.get("hash_key")
        if index_name is None and hash_key is not None:
            candidates = _in_range(self, hash_key, call.get("range_comparison"), call.get("range_objs") or [])
            self.all_items = lambda: candidates  # type: ignore[method-assign]
            try:
                with _results_not_copied():
                    return original(self, *args, **kwargs)
            finally:
                del self.all_items
        if index_name and plain and len(conditions) == 1 and call.get("scan_index_forward", True):
            attr, value = conditions[0]
            index = self.get_index(index_name)
            hash_attrs = [attr, self.hash_key_attr]
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            range_attrs: list[str | None] = [*ranges, self.range_key_attr] if ranges else [self.range_key_attr]
            sort_by = self._generate_attr_to_sort_by(hash_attrs, range_attrs)
            keys, items = _ordered(self, index_name, attr, value, sort_by)
            start = call.get("exclusive_start_key")
            first = 0
            if start:
                first = bisect.bisect_right(keys, tuple(_native(DynamoType(start[a])) for a in sort_by))
            candidates = items[first : first + int(call["limit"] or len(items)) + 1]
            call["exclusive_start_key"] = None
            self.all_items = lambda: candidates  # type: ignore[method-assign]
            self.sorted_items = lambda hash_key_attrs, range_key_attrs, items: items  # type: ignore[method-assign]
            try:
                with _results_not_copied():
                    return original(self, **call)
            finally:
                del self.all_items
                del self.sorted_items
        return original(self, *args, **kwargs)

    return query


@contextmanager
def _results_not_copied() -> Iterator[None]:
    """moto deep-copies a query's results before turning them into JSON; nothing writes to them
    in between (calls run one at a time), so a list copy is enough."""
    shim = SimpleNamespace(**{name: getattr(copy, name) for name in copy.__all__})
    shim.deepcopy = lambda value, memo=None: list(value) if isinstance(value, list) else copy.deepcopy(value, memo)
    setattr(table_module, "copy", shim)  # noqa: B010 - moto's table module only
    try:
        yield
    finally:
        setattr(table_module, "copy", copy)  # noqa: B010


def _forgetting(original: Callable[..., Any]) -> Callable[..., Any]:
    def write(self: DynamoDBBackend, table_name: str, attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        table = self.get_table(table_name)
        hash_value = attrs.get(table.hash_key_attr) if isinstance(attrs, dict) else None
        forget(table, DynamoType(hash_value) if hash_value else None)
        return original(self, table_name, attrs, *args, **kwargs)

    return write


def _fast_result(original: Callable[..., Any]) -> Callable[..., Any]:
    def execute_result(self: DynamoResult, context: ActionContext) -> Any:
        if context.operation_model.name in _READS and isinstance(self.result, dict):
            try:
                return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(self.result)
            except TypeError:
                pass  # not plain JSON (bytes): moto's own serializer
        return original(self, context)

    return execute_result


@contextmanager
def fast_moto() -> Iterator[None]:
    patches: list[tuple[Any, str, Callable[[Callable[..., Any]], Callable[..., Any]]]] = [
        (Table, "query", _fast_query),
        (DynamoDBBackend, "put_item", _forgetting),
        (DynamoDBBackend, "update_item", _forgetting),
        (DynamoDBBackend, "delete_item", _forgetting),
        (DynamoResult, "execute_result", _fast_result),
    ]
    saved = [(owner, name, owner.__dict__.get(name)) for owner, name, _ in patches]
    for owner, name, wrap in patches:
        setattr(owner, name, wrap(getattr(owner, name)))
    try:
        yield
    finally:
        for owner, name, original in saved:
            if original is None:
                delattr(owner, name)  # inherited: the base class's again
            else:
                setattr(owner, name, original)
