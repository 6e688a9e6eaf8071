"""Where a function's failed asynchronous invocations go (after Lambda's own retries): a queue
with an alarm, instead of being dropped. Granted through a managed policy like every other grant
(CDK's own destination would add an inline policy to the role)."""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct


@jsii.implements(lambda_.IDestination)
class _Queue:
    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def bind(self, scope: Construct, fn: lambda_.IFunction, *, type: Any = None) -> lambda_.DestinationConfig:
        return lambda_.DestinationConfig(destination=self._queue.queue_arn)


def keep_async_failures(
    scope: Construct,
    construct_id: str,
    *,
    function: lambda_.IFunction,
    role: iam.IRole,
    queue: sqs.IQueue,
    key: kms.IKey,
) -> lambda_.EventInvokeConfig:
    iam.ManagedPolicy(
        scope,
        f"{construct_id}Send",
        description="Failed asynchronous invocations of the function go to their queue",
        roles=[role],
        statements=[
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn]),
            iam.PolicyStatement(actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[key.key_arn]),
        ],
    )
    return lambda_.EventInvokeConfig(
        scope,
        construct_id,
        function=function,
        on_failure=_Queue(queue),
        retry_attempts=2,
        max_event_age=Duration.hours(6),
    )
