"""The notification path as synthesized: stream and queue mappings, DLQs, alarms, encryption."""

from __future__ import annotations

import json

import pytest

from ahaki.notifications.adapters.messaging import QUEUES
from tests.infra.template_tools import Synthesized, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_mappings_report_partial_failures_and_the_stream_only_relays_inserts(synthesized: Synthesized) -> None:
    notification_functions = {"OutboxRelay", "Notifier", "NoticeFanout"}
    mappings = [
        m
        for m in synthesized.of_type("AWS::Lambda::EventSourceMapping").values()
        if any(ref_id(m["Properties"]["FunctionName"]).startswith(f"Functions{f}") for f in notification_functions)
    ]
    assert len(mappings) == 3
    for mapping in mappings:
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    [stream] = [m["Properties"] for m in mappings if "StartingPosition" in m["Properties"]]
    assert ref_id(stream["EventSourceArn"]) == "OutboxTable"
    assert json.loads(stream["FilterCriteria"]["Filters"][0]["Pattern"]) == {"eventName": ["INSERT"]}
    assert stream["BisectBatchOnFunctionError"] is True
    assert "OnFailure" in stream["DestinationConfig"]


def test_every_queue_is_encrypted_with_a_cmk_and_the_consumers_have_dlqs(synthesized: Synthesized) -> None:
    queues = {k: q for k, q in synthesized.of_type("AWS::SQS::Queue").items() if k.startswith("Messaging")}
    assert len(queues) == 2 * len(QUEUES) + 2  # each with its DLQ, the relay's and the bus's DLQs
    for queue in queues.values():
        assert ref_id(queue["Properties"]["KmsMasterKeyId"]).startswith("MessagingMessagingKey")
    with_redrive = [q for q in queues.values() if "RedrivePolicy" in q["Properties"]]
    assert len(with_redrive) == len(QUEUES)


def test_each_dlq_has_a_depth_alarm_to_the_staff_topic(synthesized: Synthesized) -> None:
    alarms = synthesized.of_type("AWS::CloudWatch::Alarm").values()
    [topic] = synthesized.of_type("AWS::SNS::Topic")
    depth = [a for a in alarms if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"]
    # and the resident-register sync's DLQ, the planner's failed invocations, the retention job's
    assert len(depth) == len(QUEUES) + 5
    for alarm in depth:
        assert [ref_id(action) for action in alarm["Properties"]["AlarmActions"]] == [topic]
        assert alarm["Properties"]["Threshold"] == 1


def test_bus_rules_send_to_the_queues_with_a_dead_letter_queue(synthesized: Synthesized) -> None:
    rules = [
        r
        for r in synthesized.of_type("AWS::Events::Rule").values()
        if ref_id(r["Properties"].get("EventBusName", "default")).startswith("Messaging")
    ]
    assert len(rules) == 2
    for rule in rules:
        [target] = rule["Properties"]["Targets"]
        assert "DeadLetterConfig" in target and target["RetryPolicy"]["MaximumRetryAttempts"] > 0
