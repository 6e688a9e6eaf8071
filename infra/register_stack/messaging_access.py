"""Notifications: the IAM statements of access.py's MessagingUse grants, and the worker functions' settings."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from ahaki.http.routes import Function
from infra.register_stack.access import MessagingUse
from infra.register_stack.messaging import EMAIL_IDENTITY_ID, MESSAGING_KEY_ID, Messaging

# Timeouts of the stream/queue consumers; each queue's visibility timeout is at least 6x these.
WORKER_TIMEOUTS: dict[Function, int] = {
    Function.OUTBOX_RELAY: 30,
    Function.NOTIFIER: 30,
    Function.NOTICE_FANOUT: 60,
}

WORKER_DLQ_REASON = (
    "Invoked by an event source mapping (the outbox stream or an SQS queue), never asynchronously: "
    "failed records go to the mapping's on-failure destination (stream) or the queue's own "
    "redrive DLQ (SQS), each with a depth alarm to the staff topic; a function DLQ would never receive one."
)


def messaging_statements(messaging: Messaging, uses: tuple[MessagingUse, ...]) -> list[iam.PolicyStatement]:
    statements = []
    region = Stack.of(messaging).region
    for use in uses:
        conditions = None
        if use.resource == MESSAGING_KEY_ID:
            # Only through SQS and SNS: the function can never use the key directly.
            conditions = {
                "StringEquals": {"kms:ViaService": [f"sqs.{region}.amazonaws.com", f"sns.{region}.amazonaws.com"]}
            }
        recipients = messaging.recipient_arns if use.resource == EMAIL_IDENTITY_ID else []
        statements.append(
            iam.PolicyStatement(
                sid=f"Use{use.resource}",
                actions=list(use.actions),
                resources=[messaging.arns[use.resource], *recipients],
                conditions=conditions,
            )
        )
    return statements
