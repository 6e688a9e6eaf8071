"""The bus, queues (with DLQs), rules, staff topic and SES identity of the stack, in moto.

Built from ahaki.notifications.adapters.messaging, the specs the CDK stack builds from too.
"""

from __future__ import annotations

import json

import boto3

from ahaki.notifications.adapters.messaging import EVENT_BUS, QUEUES, RULES, STAFF_TOPIC

REGION = "ap-northeast-1"
EMAIL_SOURCE = "no-reply@register.ahaki.example.jp"  # verified in moto as SES v1 requires
# Short in emulation so a failed message is retried within seconds (AWS: QueueSpec's values).
EMULATED_VISIBILITY_SECONDS = 1


def queue_arn(sqs: object, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])  # type: ignore[attr-defined]
    return str(attributes["Attributes"]["QueueArn"])


def create_messaging(prefix: str) -> dict[str, str]:
    """Creates everything in the active moto backend; returns the environment the functions read."""
    sqs = boto3.client("sqs", region_name=REGION)
    events = boto3.client("events", region_name=REGION)
    env = _create_queues(prefix)
    arns = {spec.logical_id: queue_arn(sqs, env[spec.env_var]) for spec in QUEUES}
    bus = f"{prefix}-events"
    events.create_event_bus(Name=bus)
    env[EVENT_BUS.env_var] = bus
    for rule in RULES:
        events.put_rule(Name=f"{prefix}-{rule.logical_id}", EventBusName=bus, EventPattern=json.dumps(rule.pattern))
        events.put_targets(
            Rule=f"{prefix}-{rule.logical_id}",
            EventBusName=bus,
            Targets=[{"Id": rule.queue.logical_id, "Arn": arns[rule.queue.logical_id]}],
        )
    topic = boto3.client("sns", region_name=REGION).create_topic(Name=f"{prefix}-{STAFF_TOPIC.logical_id}")
    env[STAFF_TOPIC.env_var] = topic["TopicArn"]
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=EMAIL_SOURCE)
    env["EMAIL_SOURCE"] = EMAIL_SOURCE
    env["FANOUT_PAGE_DELAY_SECONDS"] = "0"  # emulation: no pacing needed
    return env


def _create_queues(prefix: str) -> dict[str, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    env: dict[str, str] = {}
    for spec in QUEUES:
        dlq = sqs.create_queue(QueueName=f"{prefix}-{spec.logical_id}-dlq")["QueueUrl"]
        redrive = {"deadLetterTargetArn": queue_arn(sqs, dlq), "maxReceiveCount": spec.max_receive_count}
        url = sqs.create_queue(
            QueueName=f"{prefix}-{spec.logical_id}",
            Attributes={"VisibilityTimeout": str(EMULATED_VISIBILITY_SECONDS), "RedrivePolicy": json.dumps(redrive)},
        )["QueueUrl"]
        env[spec.env_var], env[spec.dlq_env_var] = url, dlq
    return env


def purge_queues(env: dict[str, str]) -> None:
    """Tests start with empty queues: created again under the same names (PurgeQueue allows one a
    minute, in moto too), so the URLs, ARNs and the rules' targets stay as they were."""
    sqs = boto3.client("sqs", region_name=REGION)
    prefix = env[QUEUES[0].env_var].rsplit("/", 1)[-1].removesuffix(f"-{QUEUES[0].logical_id}")
    for spec in QUEUES:
        for name in (spec.env_var, spec.dlq_env_var):
            sqs.delete_queue(QueueUrl=env[name])
    _create_queues(prefix)
