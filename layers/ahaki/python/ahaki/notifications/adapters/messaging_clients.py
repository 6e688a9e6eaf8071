"""SQS, SNS and SES adapters of the notifier: queues (with DLQ reasons and redrive), staff alerts,
e-mail. Payloads and attributes carry ids and reason codes only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from ahaki.notifications.domain.notification import DeliveryFailed, Rendered

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef, SendMessageBatchRequestEntryTypeDef

REASON_ATTRIBUTE = "ahaki-dlq-reason"
DETAIL_ATTRIBUTE = "ahaki-dlq-detail"


class SqsQueue:
    def __init__(self, client: SQSClient, url: str) -> None:
        self._client = client
        self.url = url

    def send_batch(self, bodies: Sequence[str], delay_seconds: int = 0) -> None:
        if not bodies:
            return
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(n), "MessageBody": body, "DelaySeconds": delay_seconds} for n, body in enumerate(bodies)
        ]
        result = self._client.send_message_batch(QueueUrl=self.url, Entries=entries)
        failed = result.get("Failed") or []
        if failed:  # the caller's message is retried; duplicates are absorbed by the ledger
            raise DeliveryFailed(f"{len(failed)} of {len(entries)} messages not enqueued")


class SqsDeadLetters:
    def __init__(self, client: SQSClient, dlq_url: str) -> None:
        self._client = client
        self._url = dlq_url

    def dead_letter(self, body: str, reason: str, detail: str) -> None:
        self._client.send_message(
            QueueUrl=self._url,
            MessageBody=body,
            MessageAttributes={
                REASON_ATTRIBUTE: {"DataType": "String", "StringValue": reason},
                DETAIL_ATTRIBUTE: {"DataType": "String", "StringValue": detail[:1000]},
            },
        )


@dataclass(frozen=True)
class RedriveResult:
    moved: int
    rounds: int


def redrive(client: SQSClient, dlq_url: str, source_url: str, max_messages: int = 100_000) -> RedriveResult:
    """Moves every message of the DLQ back to its source queue. Safe to run twice, or concurrently:
    a message is sent before it is deleted (a crash between the two duplicates it, and the ledger
    delivers it once); an empty DLQ moves nothing."""
    moved = rounds = 0
    while moved < max_messages:
        found = client.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
        )
        messages = found.get("Messages") or []
        if not messages:
            break
        rounds += 1
        # The reason attributes are dropped: a message that fails again gets a fresh one.
        sent = client.send_message_batch(
            QueueUrl=source_url,
            Entries=[{"Id": str(n), "MessageBody": m["Body"]} for n, m in enumerate(messages)],
        )
        ok = {entry["Id"] for entry in sent.get("Successful") or []}
        done: list[DeleteMessageBatchRequestEntryTypeDef] = [
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages) if str(n) in ok
        ]
        if done:
            client.delete_message_batch(QueueUrl=dlq_url, Entries=done)
        moved += len(done)
    return RedriveResult(moved, rounds)


class SnsStaffAlerts:
    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        self._client = client
        self._topic = topic_arn

    def alert(self, kind: str, detail: dict[str, str]) -> str:
        result = self._client.publish(
            TopicArn=self._topic,
            Subject=f"ahaki alert: {kind}"[:100],
            Message=json.dumps({"kind": kind, **detail}, ensure_ascii=False),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": kind}},
        )
        return str(result["MessageId"])


class SesEmail:
    """SES v1 SendEmail with our own rendered subject, text and HTML (UTF-8)."""

    def __init__(self, client: SESClient, source: str, configuration_set: str | None = None) -> None:
        self._client = client
        self._source = source
        self._configuration_set = configuration_set

    def send(self, to: str, message: Rendered) -> str:
        kwargs: dict[str, Any] = {
            "Source": self._source,
            "Destination": {"ToAddresses": [to]},
            "Message": {
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": message.text, "Charset": "UTF-8"},
                    "Html": {"Data": message.html, "Charset": "UTF-8"},
                },
            },
        }
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        try:
            return str(self._client.send_email(**kwargs)["MessageId"])
        except (ClientError, BotoCoreError) as error:
            # The error text may quote the address: only its type travels on.
            raise DeliveryFailed(f"SES refused or failed: {type(error).__name__}") from None
