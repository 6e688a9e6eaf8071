"""The resident-register sync's resources around the functions ``Functions`` built.

J-LIS exchange bucket (SSE-KMS, TLS only, versioned, no public access; outbound/ and inbound/),
the work queue with its dead-letter queue and an alarm on the DLQ's depth, the S3 notification of
inbound/ result files onto the queue, the worker's event source mapping (partial batch failures),
and the EventBridge Scheduler schedule that starts the planner (monthly, from cdk.json).
"""

from __future__ import annotations

import json

from aws_cdk import Aws, Duration, Fn, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ahaki.http.routes import Function
from ahaki.residents.domain.jlis import INBOUND, OUTBOUND
from infra.register_stack.access import EXCHANGE_INBOUND, EXCHANGE_OUTBOUND, access_of
from infra.register_stack.alarms import message_waiting_alarm
from infra.register_stack.async_failures import keep_async_failures
from infra.register_stack.functions import Functions
from infra.register_stack.jlis_access import grant_jlis_transfer
from infra.register_stack.nag import AWS_SOLUTIONS, NIST, acknowledge, nested_reference
from infra.register_stack.schedules import scheduler_role
from infra.register_stack.settings import Settings

WORKER_TIMEOUT_SECONDS = 600  # one chunk of 5,000: request file or result file (docs/scaling.md)
MAX_RECEIVES = 5  # then the dead-letter queue


class ResidentSync(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        functions: Functions,
        staff_alerts: sns.ITopic,
        context_stack: Construct,
    ) -> None:
        super().__init__(scope, construct_id)
        # The key, queues and bucket hold data: the platform stack (``scope``). The grants, the
        # worker's mapping, the schedule and the planner's failure destination: the context's.
        self._wiring = Construct(context_stack, construct_id)
        self._staff_alerts = staff_alerts
        self._settings = settings
        self._functions = functions
        self.key = kms.Key(
            self,
            "ExchangeKey",
            description="Encrypts J-LIS exchange files (My Numbers in requests) and the sync queues",
            alias=f"alias/ahaki/{settings.stage}/ExchangeKey",
            enable_key_rotation=True,
            rotation_period=Duration.days(365),
            removal_policy=settings.removal_policy,
            pending_window=Duration.days(30),
        )
        self.bucket_name = exchange_bucket_name(settings.stage)
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowS3ToNotifyTheEncryptedQueue",
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions=self._from_the_exchange_bucket(),
            )
        )
        _pin(self.key, "ExchangeKey")
        self.dead_letters, self.queue = self._build_queues()
        _pin(self.dead_letters, "SyncDeadLetters")
        _pin(self.queue, "SyncQueue")
        self.alarm = self._build_alarm()
        self.bucket = self._build_bucket()
        _pin(self.bucket, "JlisExchangeBucket")
        if settings.jlis_principal_arn:
            grant_jlis_transfer(self.bucket, self.key, settings.jlis_principal_arn)
        self._wire_functions()
        self.schedule = self._build_schedule()
        self.planner_failures = self._build_planner_failures()

    def _build_queues(self) -> tuple[sqs.Queue, sqs.Queue]:
        dead = sqs.Queue(
            self,
            "SyncDeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        queue = sqs.Queue(
            self,
            "SyncQueue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(WORKER_TIMEOUT_SECONDS * 6),  # AWS's advice for SQS → Lambda
            dead_letter_queue=sqs.DeadLetterQueue(queue=dead, max_receive_count=MAX_RECEIVES),
        )
        return dead, queue

    def _build_alarm(self) -> cloudwatch.Alarm:
        return message_waiting_alarm(
            self,
            "DeadLettersAlarm",
            queue=self.dead_letters,
            description="A sync chunk failed five times and is in the dead-letter queue: redrive after the fix",
            topic=self._staff_alerts,
        )

    def _build_planner_failures(self) -> sqs.Queue:
        """The planner is invoked asynchronously (the schedule, the staff API's hand-over): an
        invocation that fails Lambda's retries lands here, alarmed, with its run in the payload;
        the operator resumes the run with POST /admin/sync-runs {"run_id": …}."""
        queue = sqs.Queue(
            self,
            "PlannerFailures",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        _pin(queue, "PlannerFailures")
        acknowledge(
            queue,
            "This queue is itself where the planner's failed invocations are kept for the operator "
            "(its alarm pages the staff topic); it needs no dead-letter queue of its own.",
            f"{AWS_SOLUTIONS}-SQS3",
        )
        message_waiting_alarm(
            self,
            "PlannerFailuresAlarm",
            queue=queue,
            description="A sync run's planning failed: resume it with POST /admin/sync-runs {run_id}",
            topic=self._staff_alerts,
        )
        keep_async_failures(
            self._wiring,
            "PlannerAsyncFailures",
            function=self._functions[Function.SYNC_PLANNER],
            role=self._functions.roles[Function.SYNC_PLANNER],
            queue=queue,
            key=self.key,
        )
        return queue

    def _from_the_exchange_bucket(self) -> dict[str, object]:
        return {
            "StringEquals": {"aws:SourceAccount": Stack.of(self).account},
            "ArnEquals": {"aws:SourceArn": Fn.join("", ["arn:", Aws.PARTITION, ":s3:::", self.bucket_name])},
        }

    def _build_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "JlisExchange",
            bucket_name=self.bucket_name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,  # one data key per bucket and period, not one KMS call per object
            enforce_ssl=True,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=self._settings.removal_policy,
            lifecycle_rules=[
                # A request file holds My Numbers: kept only until the run is checked (one cycle).
                s3.LifecycleRule(expiration=Duration.days(40), noncurrent_version_expiration=Duration.days(1)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
        )
        # Notification without CDK's custom-resource Lambda: the template sets it on the bucket.
        self.queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="S3InboundNotifications",
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.queue.queue_arn],
                # The bucket by its name, known in advance: the bucket depends on this policy (S3
                # checks it), so a reference to the bucket here would be a cycle.
                conditions=self._from_the_exchange_bucket(),
            )
        )
        cfn = bucket.node.default_child
        assert isinstance(cfn, s3.CfnBucket)
        cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=self.queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value=f"{INBOUND}/")]
                        )
                    ),
                )
            ]
        )
        policy = self.queue.node.try_find_child("Policy")
        if policy is not None:
            cfn.node.add_dependency(policy)  # S3 checks that it may send before accepting the config
        acknowledge(
            bucket,
            "Every access to the exchange files is by the sync functions' roles and is recorded as "
            "CloudTrail S3 data events of the account trail; a second access-log bucket would hold "
            "the same facts. Cross-region replication of files that expire after one cycle and hold "
            "My Numbers would only add copies.",
            f"{AWS_SOLUTIONS}-S1",
            f"{NIST}-S3BucketLoggingEnabled",
            f"{NIST}-S3BucketReplicationEnabled",
        )
        return bucket

    def _wire_functions(self) -> None:
        env = {
            "JLIS_BUCKET": self.bucket.bucket_name,
            "SYNC_QUEUE_URL": self.queue.queue_url,
            "JLIS_ADAPTER": "s3",
            "SYNC_CHUNK_SIZE": str(self._settings.sync_chunk_size),
            "SYNC_MAX_RECEIVES": str(MAX_RECEIVES),
        }
        self._functions.offer(env)
        worker = self._functions[Function.SYNC_WORKER]
        cfn = worker.node.default_child
        assert isinstance(cfn, lambda_.CfnFunction)
        cfn.add_property_override("Timeout", WORKER_TIMEOUT_SECONDS)
        self._functions[Function.SYNC_PLANNER].node.default_child.add_property_override(  # type: ignore[union-attr]
            "Timeout", 900
        )
        planner = self._functions[Function.SYNC_PLANNER]
        self._functions[Function.SYNC_API].add_environment("SYNC_PLANNER_FUNCTION", planner.function_name)
        # What each function may do here is declared in access.py (``late``); these are the ARNs.
        arns = {
            "SyncPlanner": planner.function_arn,
            "SyncQueue": self.queue.queue_arn,
            "ExchangeKey": self.key.key_arn,
            EXCHANGE_OUTBOUND: self.bucket.arn_for_objects(f"{OUTBOUND}/*"),
            EXCHANGE_INBOUND: self.bucket.arn_for_objects(f"{INBOUND}/*"),
        }
        self._policy(Function.SYNC_API, "Send", arns)
        self._policy(Function.SYNC_PLANNER, "Send", arns)
        self._policy(Function.RESIDENT_LOOKUP, "Inquiry", arns)
        exchange = self._policy(Function.SYNC_WORKER, "Exchange", arns)
        mapping = worker.add_event_source_mapping(
            "SyncQueueMapping",
            event_source_arn=self.queue.queue_arn,
            batch_size=1,  # a message is a whole chunk: its own retry and its own DLQ entry
            report_batch_item_failures=True,
            # Throttled receives would count towards the fifth receive and dead-letter good chunks:
            # Lambda never polls for more concurrent chunks than the worker may run.
            max_concurrency=sync_worker_concurrency(self._settings),
        )
        # Lambda refuses a mapping whose role cannot yet receive from (and decrypt) the queue.
        mapping.node.add_dependency(exchange, self._functions.audit_guard(Function.SYNC_WORKER))

    def _policy(self, function: Function, name: str, arns: dict[str, str]) -> iam.ManagedPolicy:
        bucket_arn = nested_reference(self.bucket, "Arn")  # as cdk-nag names it in the context's stack
        declared = {use.resource for use in access_of(function).late}
        policy = self._functions.grant_declared(
            self._wiring,
            f"{function.value.title().replace('_', '')}{name}",
            function,
            {resource: arn for resource, arn in arns.items() if resource in declared},
        )
        acknowledge(
            policy,
            "Object keys are per tenant, run and chunk, created at run time: the grant is limited to "
            "the bucket's outbound/ (write and read back) and inbound/ (read) prefixes of this one "
            "bucket, and the KMS actions are S3 SSE-KMS data-key use on the exchange key only.",
            *(f"{AWS_SOLUTIONS}-IAM5[Resource::{bucket_arn}/{prefix}/*]" for prefix in (OUTBOUND, INBOUND)),
        )
        return policy

    def _build_schedule(self) -> scheduler.CfnSchedule:
        planner = self._functions[Function.SYNC_PLANNER]
        role = scheduler_role(self._wiring, "EventBridge Scheduler invokes the sync planner, nothing else")
        iam.ManagedPolicy(
            self._wiring,
            "SchedulerInvokesPlanner",
            roles=[role],
            statements=[iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[planner.function_arn])],
        )
        return scheduler.CfnSchedule(
            self._wiring,
            "MonthlyVerification",
            description="Scheduled verification of every live registrant against the resident register",
            schedule_expression=self._settings.sync_schedule,
            schedule_expression_timezone="Asia/Tokyo",
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(
                arn=planner.function_arn,
                role_arn=role.role_arn,
                # The firing's time names the run: a retried invocation resumes it
                # (docs/adr/0049-planner-resumes-from-a-checkpoint.md).
                input=json.dumps(
                    {
                        "tenant_id": "foundation",
                        "qualification": "anma_massage_shiatsu",
                        "scheduled_time": "<aws.scheduler.scheduled-time>",
                    }
                ),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(maximum_retry_attempts=3),
            ),
        )


def exchange_bucket_name(stage: str) -> str:
    """``ahaki-<stage>-jlis-<last 12 hex digits of the stack's id>``: known before the bucket
    exists, so the queue's and the key's policies can name it without referring to it; and new
    with every creation of the stack, so a bucket retained by a rolled-back first deploy never
    blocks the next one (a name fixed by stage alone would)."""
    stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
    return Fn.join("-", ["ahaki", stage.lower(), "jlis", Fn.select(4, Fn.split("-", stack_uuid))])


def sync_worker_concurrency(settings: Settings) -> int:
    """The queue mapping's maximum concurrency: the worker's reservation, or Lambda's minimum (2)."""
    return max(2, settings.reserved_concurrency.get(Function.SYNC_WORKER, 2))


def _pin(construct: Construct, logical_id: str) -> None:
    """A stable CloudFormation logical id (the infra tests name resources by it)."""
    cfn = construct.node.default_child
    assert cfn is not None
    cfn.override_logical_id(logical_id)  # type: ignore[attr-defined]
