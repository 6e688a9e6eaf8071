"""The benchmarks' moto speed-ups (moto_speed) page the holders' index exactly as moto does."""

from __future__ import annotations

from typing import Any

import boto3

from ahaki.kernel.qualification import Qualification
from ahaki.notifications.adapters.tables import DynamoHolderDirectory
from ahaki.registry.domain.registrant import Status
from benchmarks.moto_seed import holder, put_items
from benchmarks.moto_speed import fast_moto
from infra.sandbox.emulated_aws import REGION, EmulatedAws


def _pages(directory: DynamoHolderDirectory, size: int) -> list[tuple[list[str], str | None]]:
    pages, cursor = [], None
    while True:
        ids, cursor = directory.holder_ids(
            "foundation", Qualification.ANMA_MASSAGE_SHIATSU, Status.REGISTERED, size, cursor
        )
        pages.append((ids, cursor))
        if cursor is None:
            return pages


def test_index_pages_and_table_queries_are_moto_s_own(aws: EmulatedAws) -> None:
    table = aws.table_names["RegisterTable"]
    put_items(table, (holder(n, portal=n % 3 == 0) for n in range(0, 500, 2)))
    client: Any = boto3.client("dynamodb", region_name=REGION)
    directory = DynamoHolderDirectory(client, table)
    expected = _pages(directory, 37)
    query: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": holder(4)["pk"]},
    }
    by_table = client.query(**query)["Items"]
    with fast_moto():
        assert _pages(directory, 37) == expected
        assert client.query(**query)["Items"] == by_table
        client.put_item(TableName=table, Item=holder(1))  # a write drops the cached index
        assert sum(len(ids) for ids, _ in _pages(directory, 37)) == 251
    assert sum(len(ids) for ids, _ in expected) == 250 and len(expected) == 7
    assert directory.id_by_portal_pseudonym("foundation", "pp-q0000006") == "q0000006"
