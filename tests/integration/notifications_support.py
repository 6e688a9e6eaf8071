"""Shared helpers of the notification tests: fresh queues and caches, the emulated workers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from ahaki.kernel.components import reset
from ahaki.notifications.adapters.messaging import NOTIFIER_QUEUE
from infra.sandbox.emulated_aws import REGION, EmulatedAws
from infra.sandbox.emulated_messaging import purge_queues
from infra.sandbox.workers import Workers

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageTypeDef


@pytest.fixture
def workers(aws: EmulatedAws) -> Iterator[Workers]:
    purge_queues(aws.env)
    reset()
    yield Workers()
    reset()


def dlq_messages() -> list[MessageTypeDef]:
    sqs = boto3.client("sqs", region_name=REGION)
    found = sqs.receive_message(
        QueueUrl=os.environ[NOTIFIER_QUEUE.dlq_env_var],
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        VisibilityTimeout=0,
    )
    return list(found.get("Messages") or [])


def send_to_notifier(body: dict[str, Any]) -> None:
    boto3.client("sqs", region_name=REGION).send_message(
        QueueUrl=os.environ[NOTIFIER_QUEUE.env_var], MessageBody=json.dumps(body)
    )


def sent_emails() -> list[Any]:
    from moto.ses.models import ses_backends

    return [m for account in ses_backends.values() for m in account[REGION].sent_messages]


def empty_dlq() -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = os.environ[NOTIFIER_QUEUE.dlq_env_var]
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
