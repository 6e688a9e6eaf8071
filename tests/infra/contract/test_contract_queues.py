"""Contract: whatever feeds a function asynchronously keeps what it cannot deliver, and says so.

Every event source mapping (queue or stream) and every EventBridge target has a dead-letter queue;
every function invoked asynchronously (by a rule, a schedule, or another function) sends the
invocations it fails on to one; and every such queue has an alarm that notifies someone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.contract.assembly import Assembly, Resource

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def dead_letter_queue(assembly: Assembly, feed: Resource) -> Resource | None:
    props = feed.properties
    if feed.type == "AWS::Lambda::EventSourceMapping":
        on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        if on_failure is not None:  # a stream: the coordinates of what failed go here
            return assembly.ref(feed.stack, on_failure, "AWS::SQS::Queue")
        source = assembly.ref(feed.stack, props.get("EventSourceArn"), "AWS::SQS::Queue")
        redrive: dict[str, Any] = {} if source is None else source.properties.get("RedrivePolicy") or {}
        return assembly.ref(source.stack, redrive.get("deadLetterTargetArn"), "AWS::SQS::Queue") if source else None
    raise AssertionError(feed.type)


def alarmed(assembly: Assembly, queue: Resource) -> bool:
    """An alarm on the queue's depth that has an action (the staff topic)."""
    for alarm in assembly.of_type("AWS::CloudWatch::Alarm"):
        dimensions = alarm.properties.get("Dimensions", [])
        on_queue = any(
            d.get("Name") == "QueueName"
            and (found := assembly.ref(alarm.stack, d.get("Value"), "AWS::SQS::Queue")) is not None
            and found.key == queue.key
            for d in dimensions
        )
        if on_queue and alarm.properties.get("AlarmActions"):
            return True
    return False


def feed_problems(assembly: Assembly) -> list[str]:
    problems = []
    for mapping in assembly.of_type("AWS::Lambda::EventSourceMapping"):
        dlq = dead_letter_queue(assembly, mapping)
        if dlq is None:
            problems.append(f"{mapping.logical_id}: no dead-letter queue")
        elif not alarmed(assembly, dlq):
            problems.append(f"{mapping.logical_id}: dead-letter queue {dlq.logical_id} without an alarm")
    for rule in assembly.of_type("AWS::Events::Rule"):
        for target in rule.properties.get("Targets", []):
            dlq = assembly.ref(rule.stack, target.get("DeadLetterConfig", {}).get("Arn"), "AWS::SQS::Queue")
            if dlq is None:
                problems.append(f"{rule.logical_id}/{target.get('Id')}: no dead-letter queue")
            elif not alarmed(assembly, dlq):
                problems.append(f"{rule.logical_id}/{target.get('Id')}: dead-letter queue without an alarm")
    return problems


def async_invoked(assembly: Assembly) -> dict[str, Resource]:
    """Functions Lambda invokes asynchronously: rule and schedule targets, and functions another
    function's role may invoke (a hand-over such as the sync run's)."""
    found: dict[str, Resource] = {}

    def add(stack: str, value: Any) -> None:
        fn = assembly.ref(stack, value, "AWS::Lambda::Function")
        if fn is not None:
            found[str(assembly.environment(fn).get("POWERTOOLS_SERVICE_NAME"))] = fn

    for rule in assembly.of_type("AWS::Events::Rule"):
        for target in rule.properties.get("Targets", []):
            add(rule.stack, target["Arn"])
    for schedule in assembly.of_type("AWS::Scheduler::Schedule"):
        add(schedule.stack, schedule.properties["Target"]["Arn"])
    for caller in assembly.functions().values():
        for stack, statement in assembly.role_statements(caller):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if "lambda:InvokeFunction" in actions:
                add(stack, statement.get("Resource"))
    return found


def async_failure_problems(assembly: Assembly) -> list[str]:
    problems = []
    configs = assembly.of_type("AWS::Lambda::EventInvokeConfig")
    for name, fn in sorted(async_invoked(assembly).items()):
        queues = [
            assembly.ref(
                c.stack,
                c.properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
                "AWS::SQS::Queue",
            )
            for c in configs
            if (target := assembly.ref(c.stack, c.properties.get("FunctionName"), "AWS::Lambda::Function")) is not None
            and target.key == fn.key
        ]
        queues.append(
            assembly.ref(fn.stack, fn.properties.get("DeadLetterConfig", {}).get("TargetArn"), "AWS::SQS::Queue")
        )
        kept = [q for q in queues if q is not None]
        if not kept:
            problems.append(f"{name}: failed asynchronous invocations are dropped")
        elif not any(alarmed(assembly, q) for q in kept):
            problems.append(f"{name}: its failed invocations' queue has no alarm")
    return problems


def test_every_asynchronously_invoked_function_keeps_its_failures(assembly: Assembly) -> None:
    assert set(async_invoked(assembly)) >= {"sync_planner", "attachment_received"}
    assert async_failure_problems(assembly) == []


def test_every_consumer_has_a_dead_letter_queue_with_an_alarm(assembly: Assembly) -> None:
    assert assembly.of_type("AWS::Lambda::EventSourceMapping")
    assert feed_problems(assembly) == []


def test_a_queue_without_its_redrive_policy_is_reported(assembly: Assembly) -> None:
    queue = next(q for q in assembly.of_type("AWS::SQS::Queue") if "RedrivePolicy" in q.properties)
    saved = queue.properties.pop("RedrivePolicy")
    try:
        assert any("no dead-letter queue" in p for p in feed_problems(assembly))
    finally:
        queue.properties["RedrivePolicy"] = saved


def test_a_function_whose_failed_invocations_are_dropped_is_reported(assembly: Assembly) -> None:
    planner = assembly.functions()["sync_planner"]
    [config] = [
        c
        for c in assembly.of_type("AWS::Lambda::EventInvokeConfig")
        if (fn := assembly.ref(c.stack, c.properties["FunctionName"], "AWS::Lambda::Function")) is not None
        and fn.key == planner.key
    ]
    del assembly.resources[config.key]
    try:
        assert async_failure_problems(assembly) == ["sync_planner: failed asynchronous invocations are dropped"]
    finally:
        assembly.resources[config.key] = config
