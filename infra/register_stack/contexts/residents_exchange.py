"""The resident-register sync's exchange with J-LIS: what holds data, in the platform stack.

The exchange key; the J-LIS exchange bucket (SSE-KMS, TLS only, versioned, no public access;
outbound/ request files, inbound/ result files, whose creation notifies the work queue); what
J-LIS's transfer principal may do there (read our request files, write its result files); the work
queue with its dead-letter queue, and the queue of the planner's failed invocations, each with an
alarm to the staff topic. The functions' side (grants, mapping, schedule) is in residents.py.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, Fn, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ahaki.residents.domain.jlis import INBOUND, OUTBOUND
from infra.register_stack.alarms import message_waiting_alarm
from infra.register_stack.messaging import encrypted_queue
from infra.register_stack.nag import AWS_SOLUTIONS, NIST, acknowledge
from infra.register_stack.settings import Settings

WORKER_TIMEOUT_SECONDS = 600  # one chunk of 5,000: request file or result file (docs/scaling.md)
MAX_RECEIVES = 5  # then the dead-letter queue


class JlisExchange(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        jlis_principal_arn: str | None,
        staff_alerts: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self._staff_alerts = staff_alerts
        self._settings = settings
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
        if jlis_principal_arn:
            grant_jlis_transfer(self.bucket, self.key, jlis_principal_arn)
        self.planner_failures = self._build_planner_failures()

    def _build_queues(self) -> tuple[sqs.Queue, sqs.Queue]:
        dead = encrypted_queue(self, "SyncDeadLetters", self.key)
        queue = encrypted_queue(
            self,
            "SyncQueue",
            self.key,
            retention=None,  # SQS's default: a chunk waits minutes, not days
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
        invocation that fails Lambda's retries lands here (residents.py sends it), alarmed, with
        its run in the payload; the operator resumes the run with POST /admin/sync-runs {"run_id": …}."""
        queue = encrypted_queue(self, "PlannerFailures", self.key)
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


def exchange_bucket_name(stage: str) -> str:
    """``ahaki-<stage>-jlis-<last 12 hex digits of the stack's id>``: known before the bucket
    exists, so the queue's and the key's policies can name it without referring to it; and new
    with every creation of the stack, so a bucket retained by a rolled-back first deploy never
    blocks the next one (a name fixed by stage alone would)."""
    stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
    return Fn.join("-", ["ahaki", stage.lower(), "jlis", Fn.select(4, Fn.split("-", stack_uuid))])


def grant_jlis_transfer(bucket: s3.Bucket, key: kms.Key, principal_arn: str) -> None:
    """J-LIS's transfer principal (an IAM role of the transfer service, configured per stage) gets
    exactly the bucket's two prefixes and, through S3 only, the exchange key's data-key use."""
    principal = iam.ArnPrincipal(principal_arn)
    for sid, action, prefix in (
        ("JlisReadsRequestFiles", "s3:GetObject", OUTBOUND),
        ("JlisWritesResultFiles", "s3:PutObject", INBOUND),
    ):
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid, principals=[principal], actions=[action], resources=[bucket.arn_for_objects(f"{prefix}/*")]
            )
        )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="JlisUsesTheExchangeKeyThroughS3",
            principals=[principal],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions={"StringEquals": {"kms:ViaService": f"s3.{Stack.of(bucket).region}.amazonaws.com"}},
        )
    )


def _pin(construct: Construct, logical_id: str) -> None:
    """A stable CloudFormation logical id (the infra tests name resources by it)."""
    cfn = construct.node.default_child
    assert cfn is not None
    cfn.override_logical_id(logical_id)  # type: ignore[attr-defined]
