"""The one alarm every kept-aside queue has: a message waiting in it pages the staff topic."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct


def message_waiting_alarm(
    scope: Construct,
    construct_id: str,
    *,
    queue: sqs.IQueue,
    description: str,
    topic: sns.ITopic,
    statistic: str | None = None,
) -> cloudwatch.Alarm:
    """Fires on the first message (threshold 1 over 5 minutes); no data is not a breach."""
    metric = (
        queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5), statistic=statistic)
        if statistic
        else queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5))
    )
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_description=description,
        metric=metric,
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    alarm.add_alarm_action(cloudwatch_actions.SnsAction(topic))
    return alarm
