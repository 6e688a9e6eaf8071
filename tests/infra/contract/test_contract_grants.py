"""Contract: every grant of a function's role is used by the function's code (grants equal the calls).

What the role may do comes from the synthesized assembly (every Allow of every policy on it, in
whichever stack); what the code calls comes from the code (``code_calls``: boto3 client methods
and transaction items in the code the handler can run). A granted action that no such call needs
is reported, as is an index the code never names. Some grants are used by AWS for the function,
not by its code; each kind is listed here with its reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from ahaki.http.routes import Function
from ahaki.kernel.specs import IDEMPOTENCY_TABLE
from infra.register_stack.access import ACCESS
from tests.infra.contract.assembly import Assembly, Resource
from tests.infra.contract.code_calls import calls_of_function
from tests.infra.template_tools import as_list

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

# Lambda's runtime writes the function's logs, never its code.
RUNTIME_ACTIONS = frozenset({"logs:CreateLogStream", "logs:PutLogEvents"})
# An event source mapping reads its queue or stream with the function's role.
MAPPING_ACTIONS = frozenset(
    {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    }
)
# Keys the code itself calls (encrypt, decrypt, MAC); every other key a role may use is used by
# DynamoDB, S3 or SQS for it (a table's, a bucket's or a queue's data keys), not by its code.
DIRECT_KEYS = frozenset(use.key.logical_id for access in ACCESS.values() for use in access.keys)
# Powertools' idempotency layer (a dependency, not our code) reads, writes and deletes its records.
IDEMPOTENCY = IDEMPOTENCY_TABLE.logical_id


def _targets(assembly: Assembly, stack: str, value: Any) -> set[str]:
    return {r.logical_id for r in assembly.refs(stack, value)}


def _used_by_aws_for(assembly: Assembly, fn: Resource) -> set[str]:
    """Queues and tables that a mapping reads for the function, or that receive its failures."""
    found: set[str] = set()
    for mapping in assembly.of_type("AWS::Lambda::EventSourceMapping"):
        if fn.key in {r.key for r in assembly.refs(mapping.stack, mapping.properties.get("FunctionName"))}:
            found |= _targets(assembly, mapping.stack, mapping.properties.get("EventSourceArn"))
            found |= _targets(assembly, mapping.stack, mapping.properties.get("DestinationConfig", {}))
    for config in assembly.of_type("AWS::Lambda::EventInvokeConfig"):
        if fn.key in {r.key for r in assembly.refs(config.stack, config.properties.get("FunctionName"))}:
            found |= _targets(assembly, config.stack, config.properties.get("DestinationConfig", {}))
    found |= _targets(assembly, fn.stack, fn.properties.get("DeadLetterConfig", {}))
    # A rule's target with a dead-letter queue: EventBridge sends there, as the function's own
    # failures go to the same queue through its invoke config (found above).
    return found


def unused_grants(assembly: Assembly, function: str) -> list[str]:
    fn = assembly.functions()[function]
    calls = calls_of_function(function)
    by_aws = _used_by_aws_for(assembly, fn)
    unused = []
    for stack, statement in assembly.role_statements(fn):
        targets = _targets(assembly, stack, statement.get("Resource", []))
        for action in as_list(statement["Action"]):
            if action in RUNTIME_ACTIONS or action in calls.actions:
                continue
            if action in MAPPING_ACTIONS and targets <= by_aws:
                continue
            if action == "sqs:SendMessage" and targets <= by_aws:
                continue
            if action.startswith("kms:") and not targets & DIRECT_KEYS:
                continue
            if targets == {IDEMPOTENCY}:
                continue
            unused.append(f"{function}: {action} on {sorted(targets)}")
        for resource in as_list(statement.get("Resource", [])):
            index = _index_name(resource)
            if index is not None and index not in calls.strings:
                unused.append(f"{function}: index {index} is never named by its code")
    return unused


def _index_name(resource: Any) -> str | None:
    """``by_x`` of a ``<table ARN>/index/by_x`` resource (a join of the ARN and a literal)."""
    if isinstance(resource, dict) and "Fn::Join" in resource:
        tail = resource["Fn::Join"][1][-1]
        if isinstance(tail, str) and "/index/" in tail:
            return tail.rsplit("/index/", 1)[1]
    return None


@pytest.mark.parametrize("function", [f.value for f in Function])
def test_every_grant_is_used_by_the_function_s_code(assembly: Assembly, function: str) -> None:
    assert unused_grants(assembly, function) == []


def test_a_grant_no_code_uses_is_reported(assembly: Assembly) -> None:
    fn = assembly.functions()[Function.MY_NUMBER_REVEAL.value]
    statement = next(s for _, s in assembly.role_statements(fn) if "dynamodb:GetItem" in as_list(s["Action"]))
    saved = statement["Action"]
    statement["Action"] = [*as_list(saved), "dynamodb:Scan"]
    try:
        assert [u for u in unused_grants(assembly, Function.MY_NUMBER_REVEAL.value) if "Scan" in u]
    finally:
        statement["Action"] = saved


def test_an_index_no_code_names_is_reported(assembly: Assembly) -> None:
    fn = assembly.functions()[Function.APPLICATION_REVIEW.value]
    indexed = [
        s for _, s in assembly.role_statements(fn) if any(_index_name(r) for r in as_list(s.get("Resource", [])))
    ]
    assert indexed  # the applications' queue index, which the review's code queries
    statement = indexed[0]
    saved = statement["Resource"]
    first = as_list(saved)[0]
    statement["Resource"] = [
        *as_list(saved),
        {"Fn::Join": [first["Fn::Join"][0], [*first["Fn::Join"][1][:-1], "/index/by_nothing"]]},
    ]
    try:
        assert unused_grants(assembly, Function.APPLICATION_REVIEW.value) == [
            "application_review: index by_nothing is never named by its code"
        ]
    finally:
        statement["Resource"] = saved
