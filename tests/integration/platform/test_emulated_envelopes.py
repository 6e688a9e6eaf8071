"""The emulated EventBridge hands a queue the envelope AWS sends, account included, so consumers
that validate it (Powertools' EventBridgeModel) are tested against what they will receive."""

from __future__ import annotations

import json

import boto3
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from infra.sandbox.emulated_aws import REGION, EmulatedAws


def test_an_event_reaches_a_queue_in_the_envelope_aws_sends(aws: EmulatedAws) -> None:
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="envelope-check")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="envelope-check", EventPattern=json.dumps({"source": ["envelope.check"]}))
    events.put_targets(Rule="envelope-check", Targets=[{"Id": "queue", "Arn": arn}])
    events.put_events(Entries=[{"Source": "envelope.check", "DetailType": "checked", "Detail": '{"n": 1}'}])
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    envelope = EventBridgeModel.model_validate_json(message["Body"])
    assert envelope.account.isdigit() and len(envelope.account) == 12
    assert (envelope.source, envelope.detail_type, envelope.detail) == ("envelope.check", "checked", {"n": 1})
