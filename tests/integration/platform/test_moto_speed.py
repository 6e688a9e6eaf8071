"""The fault figure's moto speed-ups (benchmarks/moto_speed.py) answer exactly what moto answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from benchmarks.moto_speed import fast_moto
from infra.sandbox.emulated_aws import REGION, fake_credentials

TABLE = "speed"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in fake_credentials().items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
                {"AttributeName": "gs", "AttributeType": "N"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [
                        {"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "gs", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        for n in range(300):
            item = {"pk": {"S": f"P{n % 3}"}, "sk": {"S": f"{n:05d}"}, "pad": {"S": "x" * 9000}}
            if n % 7:  # not every item is in the index
                item.update(g={"S": f"G{n % 2}"}, gs={"N": str(1000 - n)})
            dynamodb.put_item(TableName=TABLE, Item=item)
        yield dynamodb


def _pages(client: Any, **kwargs: Any) -> list[list[dict[str, Any]]]:
    pages, start = [], None
    while True:
        found = client.query(TableName=TABLE, **kwargs, **({"ExclusiveStartKey": start} if start else {}))
        pages.append(found["Items"])
        start = found.get("LastEvaluatedKey")
        if start is None:
            return pages


QUERIES: list[dict[str, Any]] = [
    {"IndexName": "by_g", "KeyConditionExpression": "g = :v", "ExpressionAttributeValues": {":v": {"S": "G1"}}},
    {
        "IndexName": "by_g",
        "KeyConditionExpression": "g = :v",
        "ExpressionAttributeValues": {":v": {"S": "G0"}},
        "Limit": 7,
    },
    {
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "P1"}, ":a": {"S": "00010"}, ":b": {"S": "00200"}},
    },
    {
        "KeyConditionExpression": "pk = :p AND begins_with(sk, :a)",
        "ExpressionAttributeValues": {":p": {"S": "P2"}, ":a": {"S": "001"}},
    },
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P0"}}, "ScanIndexForward": False},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P0"}}, "Limit": 1},
]


def test_queries_answer_the_same_pages_before_and_after_writes(client: Any) -> None:
    for query in QUERIES:
        expected = _pages(client, **query)
        with fast_moto():
            assert _pages(client, **query) == expected
            assert _pages(client, **query) == expected  # from the cached order
    with fast_moto():
        for query in QUERIES:
            _pages(client, **query)  # orders cached
        client.put_item(
            TableName=TABLE, Item={"pk": {"S": "P1"}, "sk": {"S": "00100x"}, "g": {"S": "G1"}, "gs": {"N": "5"}}
        )
        client.delete_item(TableName=TABLE, Key={"pk": {"S": "P2"}, "sk": {"S": "00101"}})
        client.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "P0"}, "sk": {"S": "00003"}},
            UpdateExpression="SET g = :g, gs = :s",
            ExpressionAttributeValues={":g": {"S": "G0"}, ":s": {"N": "1"}},
        )
        fast = [_pages(client, **query) for query in QUERIES]
    assert fast == [_pages(client, **query) for query in QUERIES]
    assert client.get_item(TableName=TABLE, Key={"pk": {"S": "P1"}, "sk": {"S": "00100x"}})["Item"]["gs"] == {"N": "5"}
