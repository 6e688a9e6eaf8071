"""moto at the scale of the fault figure (100,000 registrants): its costs that grow with the table.

moto 5.2.5's DynamoDB query walks *every item of the table* for each page (``Table.all_items``),
sorts an index's matches with Python-level ``DynamoType`` comparisons and skips the previous pages
item by item; and its generic response serializer walks the service model for every attribute of
every returned item (~2-3 ms per 1 KB item on this machine). At 100,000 registrants one by_status
page took seconds, so the figure measured moto, not our code. Here, only while the figure runs:

- a table query (no index) looks at its own partition only, which is what moto filters it to;
- an index query with a hash condition only (by_status) starts from a sorted list of the index's
  matches kept per table until the next write to that table, positioned by bisection after the
  exclusive start key; moto then applies its own limit, 1 MB page size, projection and
  LastEvaluatedKey to the ``limit + 1`` candidates it is given, so pages are the ones moto makes;
- read results (GetItem, Query, Scan, BatchGetItem), already plain DynamoDB JSON once moto has
  turned them into dicts, are written with ``json.dumps``.

The results are the same items in the same order (``tests/unit/test_moto_speed.py``).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from moto.core.responses import ActionContext
from moto.dynamodb.models import DynamoDBBackend
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


def forget(table: Table) -> None:
    """Drop the table's cached index order (after any write to it)."""
    table.__dict__.pop(_CACHE, None)


def _ordered(table: Table, index_name: str, attr: str, value: DynamoType, sort_by: list[str]) -> Any:
    cache: dict[tuple[str, str, Any], tuple[list[Any], list[Item]]] = table.__dict__.setdefault(_CACHE, {})
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
            partition = table_partition(self, hash_key)
            self.all_items = lambda: partition  # type: ignore[method-assign]
            try:
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
                return original(self, **call)
            finally:
                del self.all_items
                del self.sorted_items
        return original(self, *args, **kwargs)

    return query


def table_partition(table: Table, hash_key: DynamoType) -> list[Item]:
    found = table.items.get(hash_key)
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]  # type: ignore[list-item]


def _forgetting(original: Callable[..., Any]) -> Callable[..., Any]:
    def write(self: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Any:
        forget(self.get_table(table_name))
        return original(self, table_name, *args, **kwargs)

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
