"""Messaging: the event bus with its dead-letter queue, the staff alert topic, the SES identity and
the key that encrypts the queues and the topic; the contexts add their work queues (each with its
dead-letter queue) and dead-letter queues here, in the platform stack (``work_queue``). Built from
``ahaki.notifications.adapters.messaging``; ``statements`` turns MessagingUse grants into IAM."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ahaki.notifications.adapters.messaging import EVENT_BUS, STAFF_TOPIC, QueueSpec
from infra.register_stack.grants import MessagingUse
from infra.register_stack.nag import AWS_SOLUTIONS, acknowledge
from infra.register_stack.settings import Settings

MESSAGING_KEY_ID = "MessagingKey"
EMAIL_IDENTITY_ID = "EmailIdentity"
BUS_DLQ_ID = "EventBusDlq"
DLQ_REASON = (
    "This queue is itself a dead-letter queue of the notification path: what lands here waits for "
    "staff (its depth alarm pages the staff topic) and for the redrive command, never for another DLQ."
)
RETENTION = Duration.days(14)  # the longest SQS allows: time to fix a template and redrive


def default_bus_rule_name(stage: str, name: str) -> str:
    """A rule of ours on the account's default bus (where S3 and GuardDuty send), named in advance
    so that the messaging key can let EventBridge write its failures to the dead-letter queue."""
    return f"ahaki-{stage}-{name}"


def default_bus_rule(
    scope: Construct,
    construct_id: str,
    *,
    stage: str,
    name: str,
    description: str,
    pattern: events.EventPattern,
    function: lambda_.IFunction,
    dead_letters: sqs.IQueue | None,
) -> events.Rule:
    """A rule of ours on the default bus to one function: named by ``default_bus_rule_name``; what
    EventBridge cannot hand over after 8 tries or 6 hours lands in the (alarmed) dead-letter queue."""
    return events.Rule(
        scope,
        construct_id,
        rule_name=default_bus_rule_name(stage, name),
        description=description,
        event_pattern=pattern,
        targets=[
            targets.LambdaFunction(
                function, retry_attempts=8, max_event_age=Duration.hours(6), dead_letter_queue=dead_letters
            )
        ],
    )


def encrypted_queue(
    scope: Construct,
    construct_id: str,
    key: kms.IKey,
    *,
    retention: Duration | None = RETENTION,
    visibility_timeout: Duration | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """A queue as every queue of the stack is: encrypted with a key of ours, TLS only."""
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=retention,
        visibility_timeout=visibility_timeout,
        dead_letter_queue=dead_letter_queue,
    )


class Messaging(Construct):
    """``arns[logical_id]`` for the MessagingUse grants; ``env`` for the functions; ``queues``,
    ``dlqs`` (by work queue) and ``dead_letters`` (the others) by logical id."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self._bus_name = f"ahaki-{settings.stage}-events"
        self.key = self._build_key()
        self.bus = events.EventBus(self, EVENT_BUS.logical_id, event_bus_name=self._bus_name)
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        self.dead_letters: dict[str, sqs.Queue] = {}
        self.arns: dict[str, str] = {}
        self.env: dict[str, str] = {}
        # Where EventBridge puts events it could not deliver to a rule's target.
        self.bus_dlq = self.dead_letter_queue(BUS_DLQ_ID)
        self.topic = self._build_topic()
        self.email_domain = settings.sender_domain
        # Easy DKIM: SES gives three CNAME records to publish in the stage's domain (README).
        self.email_identity = ses.EmailIdentity(
            self,
            EMAIL_IDENTITY_ID,
            identity=ses.Identity.domain(settings.sender_domain),
            dkim_identity=ses.DkimIdentity.easy_dkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
            dkim_signing=True,
        )
        stack = Stack.of(self)
        self.arns |= {
            MESSAGING_KEY_ID: self.key.key_arn,
            EVENT_BUS.logical_id: self.bus.event_bus_arn,
            STAFF_TOPIC.logical_id: self.topic.topic_arn,
            EMAIL_IDENTITY_ID: stack.format_arn(
                service="ses", resource="identity", resource_name=settings.sender_domain
            ),
        }
        # In the SES sandbox, SendEmail is authorized against each recipient's identity too.
        self.recipient_arns = [
            stack.format_arn(service="ses", resource="identity", resource_name=address)
            for address in settings.ses_sandbox_recipients
        ]
        self.env |= {
            EVENT_BUS.env_var: self.bus.event_bus_name,
            STAFF_TOPIC.env_var: self.topic.topic_arn,
            "EMAIL_SOURCE": f"no-reply@{settings.sender_domain}",
        }

    def _build_topic(self) -> sns.Topic:
        topic = sns.Topic(
            self, STAFF_TOPIC.logical_id, display_name="ahaki staff alerts", master_key=self.key, enforce_ssl=True
        )
        stack = Stack.of(self)
        # enforce_ssl alone leaves a single Deny: CloudWatch needs an Allow to publish the alarms,
        # and only for this account's alarms.
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        if self._settings.alert_email:
            topic.add_subscription(subscriptions.EmailSubscription(self._settings.alert_email))
        return topic

    def _build_key(self) -> kms.Key:
        key = kms.Key(
            self,
            MESSAGING_KEY_ID,
            description="Encrypts the notification queues and the staff alert topic (ids only)",
            enable_key_rotation=True,
            rotation_period=Duration.days(365),
            removal_policy=self._settings.removal_policy,
            pending_window=Duration.days(30),
        )
        # EventBridge delivers to the encrypted queues (rules of our bus only); CloudWatch alarms
        # of this account publish to the topic. The sources are named by pattern: naming the rules
        # or alarms themselves would make the key depend on what depends on the key.
        stack = Stack.of(self)
        sources: dict[str, str | list[str]] = {
            # The rules of our bus, and ours on the default bus (default_bus_rule_name).
            "events": [
                stack.format_arn(service="events", resource="rule", resource_name=f"{self._bus_name}/*"),
                stack.format_arn(
                    service="events", resource="rule", resource_name=default_bus_rule_name(self._settings.stage, "*")
                ),
            ],
            "cloudwatch": stack.format_arn(
                service="cloudwatch", resource="alarm", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
            ),
        }
        for service, source in sources.items():
            key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Allow{service.capitalize()}OfThisAccount",
                    principals=[iam.ServicePrincipal(f"{service}.amazonaws.com")],
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=["*"],  # in a key policy, "*" is this key
                    conditions={
                        "StringEquals": {"aws:SourceAccount": stack.account},
                        "ArnLike": {"aws:SourceArn": source},
                    },
                )
            )
        return key

    def dead_letter_queue(self, construct_id: str) -> sqs.Queue:
        """A dead-letter queue of the notification path, kept 14 days, encrypted with the messaging key."""
        dlq = encrypted_queue(self, construct_id, self.key)
        acknowledge(dlq, DLQ_REASON, f"{AWS_SOLUTIONS}-SQS3")
        self.dead_letters[construct_id] = dlq
        self.arns[construct_id] = dlq.queue_arn
        return dlq

    def work_queue(self, spec: QueueSpec) -> sqs.Queue:
        """A consumer's queue from its spec, with its dead-letter queue (``<logical id>Dlq``)."""
        dlq = self.dead_letter_queue(f"{spec.logical_id}Dlq")
        queue = encrypted_queue(
            self,
            spec.logical_id,
            self.key,
            visibility_timeout=Duration.seconds(spec.visibility_timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count),
        )
        self.queues[spec.logical_id] = queue
        self.dlqs[spec.logical_id] = dlq
        self.arns[spec.logical_id] = queue.queue_arn
        self.env |= {spec.env_var: queue.queue_url, spec.dlq_env_var: dlq.queue_url}
        return queue

    def statements(self, uses: tuple[MessagingUse, ...]) -> list[iam.PolicyStatement]:
        """A function's MessagingUse grants as IAM statements, one per resource."""
        statements = []
        region = Stack.of(self).region
        for use in uses:
            conditions = None
            if use.resource == MESSAGING_KEY_ID:
                # Only through SQS and SNS: the function can never use the key directly.
                conditions = {
                    "StringEquals": {"kms:ViaService": [f"sqs.{region}.amazonaws.com", f"sns.{region}.amazonaws.com"]}
                }
            recipients = self.recipient_arns if use.resource == EMAIL_IDENTITY_ID else []
            statements.append(
                iam.PolicyStatement(
                    sid=f"Use{use.resource}",
                    actions=list(use.actions),
                    resources=[self.arns[use.resource], *recipients],
                    conditions=conditions,
                )
            )
        return statements
