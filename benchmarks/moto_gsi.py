"""Queries of moto's DynamoDB in time proportional to the answer, for the notification benchmarks.

moto 5.2.5 (``Table.query`` with ``IndexName``) walks every item of the table, sorts the matches
and then skips the previous pages item by item, for every page: at 100,000 holders one page of
the ``by_status`` index took 3-4 s and grew with the cursor (a broadcast would take ~10 minutes,
all of it moto). Here the matching items are selected and sorted once per (table, index, key
values) with moto's own sort, the page window is found by bisection on the cursor, and moto's own
``query`` then runs on that window only (limit, 1 MB page size, LastEvaluatedKey, projection are
all moto's). Any write to the table drops its cache. Query shapes other than "index hash key
equals, forward, no range condition, no filter" go to moto unchanged. A table query (moto also
walks every item for it: the audit chain's head, at 10,000 chains) runs moto's query over the
items of its partition key only.
"""

from __future__ import annotations

import bisect
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table

_Cached = tuple[list[Item], list[tuple[Any, ...]], list[str]]


def _sort_attrs(table: Table, index: Any) -> tuple[list[str], list[str | None], list[str], list[str]]:
    """moto's own choice of sort attributes for an index query (see Table.query)."""
    hash_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    range_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    hash_attrs = [*hash_keys, table.hash_key_attr]
    if range_keys:
        range_attrs: list[str | None] = [*range_keys, table.range_key_attr]
    elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        range_attrs = [table.range_key_attr, table.range_key_attr]
    else:
        range_attrs = [table.hash_key_attr, table.range_key_attr]
    return hash_attrs, range_attrs, hash_keys, range_keys


@contextmanager
def paged_index_queries() -> Iterator[None]:
    original_query = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item
    cache: dict[tuple[int, str, tuple[Any, ...]], _Cached] = {}

    def forget(table: Table) -> None:
        for key in [k for k in cache if k[0] == id(table)]:
            del cache[key]

    def put_item(self: Table, *args: Any, **kwargs: Any) -> Any:
        forget(self)
        return original_put(self, *args, **kwargs)

    def delete_item(self: Table, *args: Any, **kwargs: Any) -> Any:
        forget(self)
        return original_delete(self, *args, **kwargs)

    def sorted_matches(self: Table, index_name: str, conditions: list[tuple[str, DynamoType]]) -> _Cached:
        key = (id(self), index_name, tuple((a, str(v.value)) for a, v in conditions))
        if key not in cache:
            index = self.get_index(index_name)
            hash_attrs, range_attrs, _, range_keys = _sort_attrs(self, index)
            matches = [
                item
                for item in self.all_items()
                if isinstance(item, Item)
                and all(item.attrs.get(a) and item.attrs.get(a) == v for a, v in conditions)
                and all(item.attrs.get(r) for r in range_keys)
            ]
            matches = self.sorted_items(hash_attrs, range_attrs, matches)
            attrs = self._generate_attr_to_sort_by(hash_attrs, range_attrs)
            cache[key] = (matches, [tuple(i.attrs[a] for a in attrs) for i in matches], attrs)
        return cache[key]

    signature = inspect.signature(original_query)

    def query(self: Table, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        given = bound.arguments
        conditions = given.get("hash_key_conditions")
        simple = (
            given.get("index_name")
            and conditions
            and not given.get("range_comparison")
            and not given.get("range_key_conditions")
            and not given.get("filter_kwargs")
            and given.get("scan_index_forward") is not False
        )
        if not given.get("index_name") and given.get("hash_key") is not None:
            # A table query: moto walks every item for the partition key; the partition is at hand.
            found = self.items.get(given["hash_key"])
            partition = list(found.values()) if isinstance(found, dict) else [found] if found else []
            return _on(self, partition, bound)
        if not simple:
            return original_query(*bound.args, **bound.kwargs)
        matches, keys, attrs = sorted_matches(self, str(given["index_name"]), list(conditions or ()))
        start = 0
        exclusive = given.get("exclusive_start_key")
        if exclusive:
            start = bisect.bisect_right(keys, tuple(DynamoType(exclusive[a]) for a in attrs))
        window = matches[start : start + int(given.get("limit") or len(matches)) + 1]
        given["exclusive_start_key"] = None
        return _on(self, window, bound)

    def _on(table: Table, items: list[Item], bound: inspect.BoundArguments) -> Any:
        """moto's own query, over these candidate items instead of the whole table."""
        table.all_items = lambda: list(items)  # type: ignore[method-assign]
        try:
            return original_query(*bound.args, **bound.kwargs)
        finally:
            del table.all_items

    Table.query = query  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query = original_query  # type: ignore[method-assign]
        Table.put_item = original_put  # type: ignore[method-assign]
        Table.delete_item = original_delete  # type: ignore[method-assign]
        cache.clear()
