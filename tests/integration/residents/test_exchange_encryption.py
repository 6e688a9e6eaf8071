"""J-LIS request files (they hold My Numbers) are encrypted with the exchange key, not S3's own."""

from __future__ import annotations

import os

import boto3

from ahaki.residents.wiring import ListQueue, sync_ports
from functions.sync_worker.handler import handle
from infra.sandbox.emulated_aws import EXCHANGE_KEY, REGION
from tests.integration.conftest import Api


def test_request_files_use_the_exchange_key(api: Api) -> None:
    api.register()
    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    assert reply.status == 202, reply.body
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    for message in [m for m in queue.messages if m.get("kind") == "build"]:
        handle(message)
    s3 = boto3.client("s3", region_name=REGION)
    objects = s3.list_objects_v2(Bucket=os.environ["JLIS_BUCKET"], Prefix="outbound/")["Contents"]
    assert objects
    for found in objects:
        head = s3.head_object(Bucket=os.environ["JLIS_BUCKET"], Key=found["Key"])
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"].endswith(api.resources.key_ids[EXCHANGE_KEY]), head["SSEKMSKeyId"]
