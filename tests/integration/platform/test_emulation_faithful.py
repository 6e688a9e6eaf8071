"""Where our behaviour depends on it, the emulation behaves as AWS does: a cancelled transaction
writes no stream record, the stream keeps serving the records of later writes, and a key value
DynamoDB refuses (empty, or over its size) is refused wherever a key is named."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ahaki.kernel.specs import OUTBOX_TABLE, REGISTER_TABLE
from infra.sandbox.emulated_aws import REGION, EmulatedAws
from infra.sandbox.workers import Workers
from tests.data import my_number
from tests.intake_data import idem, new_registration, pseudonym, upload
from tests.integration.conftest import Api
from tests.integration.notifications_support import workers

__all__ = ["workers"]


def _stream_reader(table: str) -> tuple[Any, str]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")
    return streams, iterator["ShardIterator"]


def _put(pk: str) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": "EVENT"}, "body": {"S": "{}"}}
    return {"Put": {"TableName": os.environ[OUTBOX_TABLE.env_var], "Item": item}}


def test_a_cancelled_transaction_leaves_no_stream_record_and_the_shard_keeps_serving(aws: EmulatedAws) -> None:
    dynamodb: Any = boto3.client("dynamodb", region_name=REGION)
    table = os.environ[OUTBOX_TABLE.env_var]
    streams, iterator = _stream_reader(table)
    missing = {"TableName": table, "Key": {"pk": {"S": "x"}, "sk": {"S": "y"}}}
    refused = {"ConditionCheck": {**missing, "ConditionExpression": "attribute_exists(pk)"}}
    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(TransactItems=[_put("cancelled"), refused])
    dynamodb.transact_write_items(TransactItems=[_put("committed")])
    found = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in found] == ["committed"]


def _inbox(api: Api, who: str) -> list[dict[str, Any]]:
    reply = api.call("list_notifications", portal=who)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def test_a_refused_approval_sends_no_approval_and_later_notices_still_arrive(api: Api, workers: Workers) -> None:
    number = my_number()
    api.register(my_number=number)  # the number is already in the register
    who = pseudonym()
    form = new_registration(my_number=number)
    reply = api.call("submit_application", body={"application": form}, portal=who, headers=idem())
    assert reply.status == 201, reply.body
    app = {"application_id": reply.body["application_id"]}
    upload_reply = api.call(
        "request_upload",
        params=app,
        body={"type": "medical_certificate", "content_type": "application/pdf", "size": 2048},
        portal=who,
    )
    assert upload_reply.status == 200, upload_reply.body
    upload(
        api.resources.env["ATTACHMENTS_BUCKET"], f"foundation/{app['application_id']}/medical_certificate", size=2048
    )
    paid = api.call("record_payment", params=app, body={"amount": 9000, "reference": "pay-1"}, portal=who)
    assert paid.status == 200, paid.body
    workers.pump()  # the stream is being read before the refused approval, as in AWS

    refused = api.call("approve_application", params=app, body={}, role="approver", actor="boss")
    assert refused.status == 409, refused.body
    workers.pump()
    subjects = [item["subject"] for item in _inbox(api, who)]
    assert not any("申請が承認されました" in s for s in subjects), subjects

    rejected = api.call("reject_application", params=app, body={"reason": "登録済みの個人番号"}, role="approver")
    assert rejected.status == 200, rejected.body
    workers.pump()
    kinds = [item["kind"] for item in _inbox(api, who)]
    assert kinds[0] == "application.rejected", kinds  # newest first: it arrived after the refusal
    assert "application.approved" not in kinds


_BAD_KEYS = {
    "an empty partition key": {"pk": {"S": ""}, "sk": {"S": "EVENT"}},
    "an empty sort key": {"pk": {"S": "x"}, "sk": {"S": ""}},
    "a partition key over 2,048 bytes": {"pk": {"S": "鍵" * 683}, "sk": {"S": "EVENT"}},
    "a sort key over 1,024 bytes": {"pk": {"S": "x"}, "sk": {"S": "x" * 1025}},
}


@pytest.mark.parametrize("key", list(_BAD_KEYS.values()), ids=list(_BAD_KEYS))
def test_a_key_dynamodb_refuses_is_refused_wherever_it_is_named(aws: EmulatedAws, key: dict[str, Any]) -> None:
    dynamodb: Any = boto3.client("dynamodb", region_name=REGION)
    table = os.environ[REGISTER_TABLE.env_var]  # keyed by pk and sk
    calls = {
        "get": lambda: dynamodb.get_item(TableName=table, Key=key),
        "update": lambda: dynamodb.update_item(
            TableName=table, Key=key, UpdateExpression="SET body = :b", ExpressionAttributeValues={":b": {"S": "{}"}}
        ),
        "delete": lambda: dynamodb.delete_item(TableName=table, Key=key),
        "query": lambda: dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "x"}},
            ExclusiveStartKey=key,
        ),
        "scan": lambda: dynamodb.scan(TableName=table, ExclusiveStartKey=key),
        "transaction": lambda: dynamodb.transact_write_items(
            TransactItems=[{"Delete": {"TableName": table, "Key": key}}]
        ),
    }
    refused = []
    for name, call in calls.items():
        try:
            call()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ValidationException":
                refused.append(name)
    assert refused == list(calls)


def test_keys_at_dynamodb_s_limits_are_served(aws: EmulatedAws) -> None:
    dynamodb: Any = boto3.client("dynamodb", region_name=REGION)
    table = os.environ[REGISTER_TABLE.env_var]  # keyed by pk and sk
    key = {"pk": {"S": "x" * 2048}, "sk": {"S": "鍵" * 341}}  # 2,048 and 1,023 bytes
    dynamodb.update_item(
        TableName=table, Key=key, UpdateExpression="SET body = :b", ExpressionAttributeValues={":b": {"S": "{}"}}
    )
    assert dynamodb.get_item(TableName=table, Key=key)["Item"]["body"] == {"S": "{}"}
    dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": key["pk"]},
        ExclusiveStartKey=key,
    )
    dynamodb.delete_item(TableName=table, Key=key)
