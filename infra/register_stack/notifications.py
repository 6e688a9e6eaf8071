"""What connects the notification pieces: the outbox stream to the relay, the bus rules to
the queues, the queues to their consumers, and the DLQ depth alarms to the staff topic."""

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
from ahaki.kernel.specs import OUTBOX_TABLE
from ahaki.notifications.adapters.messaging import RULES, RuleSpec
from infra.register_stack.alarms import message_waiting_alarm
from infra.register_stack.functions import Functions
from infra.register_stack.messaging import Messaging
from infra.register_stack.tables import Tables


@jsii.implements(lambda_.IEventSourceDlq)
class _OnFailure:
    """The stream mapping's on-failure queue, without CDK's automatic grant: access.py grants it."""

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
            on_failure=_OnFailure(messaging.relay_dlq),
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
            "OutboxRelayDlq": messaging.relay_dlq,
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
