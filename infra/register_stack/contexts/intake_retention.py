"""The intake context's daily retention job of online applications, around its function.

Its schedule (EventBridge Scheduler, daily at 03:00 JST), the dead-letter queue for firings that
failed after every retry (Scheduler's own and Lambda's asynchronous ones), an alarm on that queue
to the staff alerts topic (the function's error alarm is Monitoring's, like every function's), the
configurable periods, and the grants beyond the declaration's kinds: listing the attachments'
versions and sending to the dead-letter queue. The function, its run time and its other grants
are declared in intake.py.
"""

from __future__ import annotations

import json

from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from ahaki.http.routes import Function
from ahaki.intake.domain.retention import RetentionPolicy
from ahaki.intake.wiring import ABANDONED_DAYS_ENV, REMINDER_DAYS_ENV
from infra.register_stack.alarms import message_waiting_alarm
from infra.register_stack.functions import Functions
from infra.register_stack.messaging import Messaging, encrypted_queue
from infra.register_stack.nag import AWS_SOLUTIONS, acknowledge
from infra.register_stack.schedules import scheduler_role

SCHEDULE = "cron(0 3 * * ? *)"  # daily, 03:00 Asia/Tokyo: after the day's work, before the next
DLQ_ID = "RetentionDeadLetters"


class ApplicationRetention(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Functions,
        messaging: Messaging,
        bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function = functions[Function.APPLICATION_RETENTION]
        self.dead_letters = encrypted_queue(self, DLQ_ID, messaging.key)
        _pin(self.dead_letters, DLQ_ID)
        acknowledge(
            self.dead_letters,
            "This queue is the dead-letter queue of the daily retention job: a firing that failed after "
            "every retry waits here for an operator (its depth alarm pages the staff topic).",
            f"{AWS_SOLUTIONS}-SQS3",
        )
        self._configure_function(functions, messaging, bucket)
        self.schedule = self._build_schedule(messaging)
        self.alarm = self._build_alarm(messaging)

    def _configure_function(self, functions: Functions, messaging: Messaging, bucket: s3.IBucket) -> None:
        defaults, context = RetentionPolicy(), Stack.of(self).node.try_get_context
        reminder = context("ahaki:applicationReminderDays") or defaults.reminder_days
        abandoned = context("ahaki:abandonedApplicationDays") or defaults.abandoned_days
        RetentionPolicy(reminder_days=int(reminder), abandoned_days=int(abandoned))  # refuse a bad value at synth
        # The job applies the policy; the staff routes over its reports build the same ports.
        functions.offer({REMINDER_DAYS_ENV: str(reminder), ABANDONED_DAYS_ENV: str(abandoned)})
        cfn = self.function.node.default_child
        assert isinstance(cfn, lambda_.CfnFunction)
        # Scheduler invokes asynchronously: a failed invocation (after Lambda's retries) lands in the
        # dead-letter queue. Set on the resource: CDK's dead_letter_queue= adds an inline policy.
        cfn.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(target_arn=self.dead_letters.queue_arn)
        region = Stack.of(self).region
        iam.ManagedPolicy(
            self,
            "ApplicationRetentionExtras",
            description="The application_retention function's attachment versions and dead-letter queue",
            roles=[functions.roles[Function.APPLICATION_RETENTION]],
            statements=[
                # intake/adapters/attachments.py delete_prefix lists every version of an application's objects.
                iam.PolicyStatement(actions=["s3:ListBucketVersions"], resources=[bucket.bucket_arn]),
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
                iam.PolicyStatement(
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    resources=[messaging.key.key_arn],
                    conditions={"StringEquals": {"kms:ViaService": f"sqs.{region}.amazonaws.com"}},
                ),
            ],
        )

    def _build_schedule(self, messaging: Messaging) -> scheduler.CfnSchedule:
        role = scheduler_role(self, "EventBridge Scheduler invokes the retention job and dead-letters failed firings")
        iam.ManagedPolicy(
            self,
            "SchedulerInvokesRetention",
            roles=[role],
            statements=[
                iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.function.function_arn]),
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
                iam.PolicyStatement(actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[messaging.key.key_arn]),
            ],
        )
        return scheduler.CfnSchedule(
            self,
            "DailyRetention",
            description="Deletes online applications past their retention and writes the deletion report",
            schedule_expression=SCHEDULE,
            schedule_expression_timezone="Asia/Tokyo",
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(
                arn=self.function.function_arn,
                role_arn=role.role_arn,
                # The firing's time names the day's report: a retried firing completes it.
                input=json.dumps({"tenant_ids": ["foundation"], "scheduled_time": "<aws.scheduler.scheduled-time>"}),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(maximum_retry_attempts=3),
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=self.dead_letters.queue_arn),
            ),
        )

    def _build_alarm(self, messaging: Messaging) -> cloudwatch.Alarm:
        return message_waiting_alarm(
            self,
            "DeadLettersAlarm",
            queue=self.dead_letters,
            description="A daily retention run failed after every retry: data past its period is still stored",
            topic=messaging.topic,
        )


def _pin(construct: Construct, logical_id: str) -> None:
    """A stable CloudFormation logical id (the infra tests name resources by it)."""
    cfn = construct.node.default_child
    assert cfn is not None
    cfn.override_logical_id(logical_id)  # type: ignore[attr-defined]
