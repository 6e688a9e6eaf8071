"""The notifications context: the outbox relay, the notifier, the staff notices and the portal inbox.

Its functions with their grants and environment; its queues (built in the platform stack, with
the messaging key: ``build_queues``); and what connects the pieces (``Notifications``, in its own
stack): the outbox stream to the relay, the bus rules to the queues, the queues to their
consumers, and the dead-letter queues' depth alarms to the staff topic.
"""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from ahaki.http.routes import Function
from ahaki.kernel.specs import (
    CONTACT_TABLE,
    DELIVERY_TABLE,
    INBOX_TABLE,
    NOTICE_TABLE,
    OUTBOX_TABLE,
    REGISTER_TABLE,
)
from ahaki.notifications.adapters.messaging import (
    EVENT_BUS,
    FANOUT_QUEUE,
    NOTIFIER_QUEUE,
    QUEUES,
    RULES,
    STAFF_TOPIC,
    RuleSpec,
)
from infra.register_stack.alarms import message_waiting_alarm
from infra.register_stack.contexts.base import ContextInfra, FunctionDeclaration, Platform, Wiring
from infra.register_stack.environment import REGISTER
from infra.register_stack.functions import Functions
from infra.register_stack.grants import (
    AUDIT_APPEND,
    OUTBOX_APPEND,
    SQS_CONSUME,
    SQS_SEND,
    FunctionAccess,
    MessagingUse,
    TableAccess,
)
from infra.register_stack.messaging import Messaging
from infra.register_stack.monitoring import WorkQueue
from infra.register_stack.tables import Tables

# Where the outbox stream's mapping puts the coordinates (shard, sequence numbers) of records the
# relay gave up on.
RELAY_DLQ_ID = "OutboxRelayDlq"

# The outbox relay must keep up with the register: an old stream record means notifications late.
RELAY_MAX_AGE = Duration.minutes(5)
# The notifier and the fan-out should drain their queues in minutes.
QUEUE_MAX_AGE = Duration.minutes(30)

# Queues and the topic are encrypted with MessagingKey (kms:ViaService sqs/sns).
_MESSAGING_KEY_SEND = MessagingUse("MessagingKey", ("kms:Decrypt", "kms:GenerateDataKey"))
_REGISTER_READ = TableAccess(
    REGISTER_TABLE, actions=("dynamodb:GetItem", "dynamodb:Query"), index_actions=("dynamodb:Query",)
)


def build_queues(platform: Platform) -> None:
    """The consumers' queues (each with its DLQ) and the relay's DLQ, in the platform stack."""
    for spec in QUEUES:
        queue = platform.messaging.work_queue(spec)
        platform.work_queues[spec.logical_id] = WorkQueue(
            queue, platform.messaging.dlqs[spec.logical_id], QUEUE_MAX_AGE
        )
    platform.messaging.dead_letter_queue(RELAY_DLQ_ID)


def build(platform: Platform, wiring: Wiring) -> None:
    Notifications(
        wiring.stack, "Notifications", tables=platform.tables, messaging=platform.messaging, functions=wiring.functions
    )


CONTEXT = ContextInfra(
    functions={
        Function.PORTAL_NOTIFICATIONS: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    TableAccess(INBOX_TABLE, actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem")),
                    # Contact preferences: the caller's own, found by portal pseudonym (ids only from the index).
                    TableAccess(CONTACT_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem")),
                    TableAccess(REGISTER_TABLE, actions=(), index_actions=("dynamodb:Query",)),
                    AUDIT_APPEND,
                ),
            ),
            reads=(*REGISTER, INBOX_TABLE.env_var, CONTACT_TABLE.env_var),
        ),
        Function.STAFF_NOTICES: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    TableAccess(REGISTER_TABLE, actions=("dynamodb:GetItem",)),  # does the holder exist (keys only)
                    TableAccess(NOTICE_TABLE, actions=("dynamodb:PutItem",)),
                    AUDIT_APPEND,
                    OUTBOX_APPEND,
                ),
            ),
            # notifications.wiring reads the inbox and contact tables too (module-level builders).
            reads=(*REGISTER, NOTICE_TABLE.env_var, INBOX_TABLE.env_var, CONTACT_TABLE.env_var),
        ),
        Function.OUTBOX_RELAY: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    TableAccess(
                        OUTBOX_TABLE,
                        actions=(),
                        stream_actions=(
                            "dynamodb:DescribeStream",
                            "dynamodb:GetRecords",
                            "dynamodb:GetShardIterator",
                            "dynamodb:ListStreams",  # the stream mapping lists the table's streams
                        ),
                    ),
                ),
                messaging=(
                    MessagingUse("EventBus", ("events:PutEvents",)),
                    MessagingUse(RELAY_DLQ_ID, SQS_SEND),  # the stream mapping's on-failure destination
                    _MESSAGING_KEY_SEND,
                ),
            ),
            reads=(EVENT_BUS.env_var,),
            timeout_seconds=30,
            stream_max_age=RELAY_MAX_AGE,
        ),
        Function.NOTIFIER: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    _REGISTER_READ,  # the holder's name (audited) and the by_portal_pseudonym look-up
                    AUDIT_APPEND,
                    TableAccess(DELIVERY_TABLE, actions=("dynamodb:PutItem", "dynamodb:UpdateItem")),
                    TableAccess(INBOX_TABLE, actions=("dynamodb:PutItem",)),
                    TableAccess(CONTACT_TABLE, actions=("dynamodb:GetItem",)),
                    TableAccess(NOTICE_TABLE, actions=("dynamodb:GetItem",)),
                ),
                messaging=(
                    MessagingUse("NotifierQueue", SQS_CONSUME),
                    MessagingUse("NotifierQueueDlq", SQS_SEND),
                    MessagingUse("StaffAlertsTopic", ("sns:Publish",)),
                    MessagingUse("EmailIdentity", ("ses:SendEmail",)),
                    _MESSAGING_KEY_SEND,
                ),
            ),
            reads=(
                *REGISTER,
                DELIVERY_TABLE.env_var,
                INBOX_TABLE.env_var,
                CONTACT_TABLE.env_var,
                NOTICE_TABLE.env_var,
                STAFF_TOPIC.env_var,
                NOTIFIER_QUEUE.dlq_env_var,
                "EMAIL_SOURCE",
            ),
            timeout_seconds=30,
        ),
        Function.NOTICE_FANOUT: FunctionDeclaration(
            FunctionAccess(
                tables=(
                    TableAccess(REGISTER_TABLE, actions=(), index_actions=("dynamodb:Query",)),  # ids by status
                ),
                messaging=(
                    MessagingUse("NoticeFanoutQueue", (*SQS_CONSUME, *SQS_SEND)),  # the next page goes back on it
                    MessagingUse("NotifierQueue", SQS_SEND),
                    _MESSAGING_KEY_SEND,
                ),
            ),
            reads=(
                *REGISTER,
                NOTIFIER_QUEUE.env_var,
                FANOUT_QUEUE.env_var,
                INBOX_TABLE.env_var,
                CONTACT_TABLE.env_var,
            ),
            timeout_seconds=60,
        ),
    },
    build_data=build_queues,
    build=build,
)


@jsii.implements(lambda_.IEventSourceDlq)
class _OnFailure:
    """The stream mapping's on-failure queue, without CDK's automatic grant: the relay's declaration grants it."""

    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def bind(self, target: Any, target_handler: Any) -> lambda_.DlqDestinationConfig:
        return lambda_.DlqDestinationConfig(destination=self._queue.queue_arn)


@jsii.implements(events.IRuleTarget)
class _QueueTarget:
    """A rule's queue (and dead-letter queue), each allowing exactly this rule to send. CDK's own
    target grants an encrypted queue's key to EventBridge without a source: the messaging key's
    policy allows our bus's rules already (messaging.py)."""

    def __init__(self, queue: sqs.IQueue, dead_letters: sqs.IQueue) -> None:
        self._queue = queue
        self._dead_letters = dead_letters

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        for queue in (self._queue, self._dead_letters):
            queue.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"From{rule.node.id}",
                    principals=[iam.ServicePrincipal("events.amazonaws.com")],
                    actions=["sqs:SendMessage"],
                    resources=[queue.queue_arn],
                    conditions={"ArnEquals": {"aws:SourceArn": rule.rule_ref.rule_arn}},
                )
            )
        return events.RuleTargetConfig(
            arn=self._queue.queue_arn,
            dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=self._dead_letters.queue_arn),
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=185, maximum_event_age_in_seconds=int(Duration.hours(24).to_seconds())
            ),
        )


def event_pattern(rule: RuleSpec) -> events.EventPattern:
    """The spec's pattern (a list of values, or one anything-but) as CDK's EventPattern."""

    def values(raw: list[Any]) -> list[str]:
        if len(raw) == 1 and isinstance(raw[0], dict) and "anything-but" in raw[0]:
            return events.Match.anything_but(*raw[0]["anything-but"])
        return [str(v) for v in raw]

    return events.EventPattern(source=values(rule.pattern["source"]), detail_type=values(rule.pattern["detail-type"]))


class Notifications(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, tables: Tables, messaging: Messaging, functions: Functions
    ) -> None:
        super().__init__(scope, construct_id)
        self._messaging = messaging
        lambda_.EventSourceMapping(
            self,
            "OutboxStreamToRelay",
            target=functions[Function.OUTBOX_RELAY],
            event_source_arn=tables[OUTBOX_TABLE.logical_id].table_stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=100,
            bisect_batch_on_error=True,
            retry_attempts=20,
            max_record_age=Duration.days(1),
            report_batch_item_failures=True,
            on_failure=_OnFailure(messaging.dead_letters[RELAY_DLQ_ID]),
            # Only new events: TTL expiries of relayed items (REMOVE) never invoke the relay.
            filters=[lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("INSERT")})],
        )
        self._consume(functions, Function.NOTIFIER, "NotifierQueue", batch_size=10)
        self._consume(functions, Function.NOTICE_FANOUT, "NoticeFanoutQueue", batch_size=1)
        for rule in RULES:
            events.Rule(
                self,
                rule.logical_id,
                event_bus=messaging.bus,
                event_pattern=event_pattern(rule),
                targets=[_QueueTarget(messaging.queues[rule.queue.logical_id], messaging.bus_dlq)],
            )
        dead_letter_queues = {
            **{f"{lid}Dlq": q for lid, q in messaging.dlqs.items()},
            RELAY_DLQ_ID: messaging.dead_letters[RELAY_DLQ_ID],
            "EventBusDlq": messaging.bus_dlq,
        }
        for name, queue in dead_letter_queues.items():
            self._depth_alarm(name, queue)

    def _consume(self, functions: Functions, function: Function, queue_id: str, *, batch_size: int) -> None:
        lambda_.EventSourceMapping(
            self,
            f"{queue_id}To{function.value.title().replace('_', '')}",
            target=functions[function],
            event_source_arn=self._messaging.queues[queue_id].queue_arn,
            batch_size=batch_size,
            report_batch_item_failures=True,
            max_concurrency=2,
        )

    def _depth_alarm(self, name: str, queue: sqs.Queue) -> None:
        message_waiting_alarm(
            self,
            f"{name}Depth",
            queue=queue,
            description=f"Messages in {name}: run `make redrive` once the cause is fixed (docs/notifications.md)",
            topic=self._messaging.topic,
            statistic="Maximum",
        )
