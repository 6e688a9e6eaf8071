"""What EventBridge cannot hand to a target lands in the rule's dead-letter queue, and can: every
rule's DLQ (and every queue it targets) is encrypted with a key whose policy lets EventBridge use
it from that very rule. A rule the key does not name loses the events it could not deliver
(EventBridge only counts them, in ``InvocationsFailedToBeSentToDlq``)."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from tests.infra.conftest import PRODUCTION
from tests.infra.template_tools import Resources, Synthesized, as_list, literal, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _rule_arn(rule: dict[str, Any], resources: Resources) -> str:
    """The rule's ARN as the template fixes it (``<generated>`` where CloudFormation names it)."""
    properties = rule["Properties"]
    name = literal(properties.get("Name")) or "<generated>"
    bus = properties.get("EventBusName")
    if bus is not None:
        bus_name = literal(resources[ref_id(bus)]["Properties"]["Name"]) if ref_id(bus) in resources else literal(bus)
        name = f"{bus_name}/{name}"
    return f"arn:aws:events:ap-northeast-1:<account>:rule/{name}"


def _queues_of(rule: dict[str, Any]) -> list[str]:
    """The queues EventBridge writes to for the rule: DLQs, and targets that are queues."""
    found = []
    for target in rule["Properties"].get("Targets", []):
        if "DeadLetterConfig" in target:
            found.append(ref_id(target["DeadLetterConfig"]["Arn"]))
        if ":sqs:" in str(literal(target["Arn"])) or "Queue" in ref_id(target["Arn"]):
            found.append(ref_id(target["Arn"]))
    return found


def _events_may_use(key: dict[str, Any], rule_arn: str) -> bool:
    for statement in key["Properties"]["KeyPolicy"]["Statement"]:
        principals = as_list(statement.get("Principal", {}).get("Service", []))
        actions = set(as_list(statement["Action"]))
        if statement["Effect"] != "Allow" or "events.amazonaws.com" not in principals:
            continue
        if not {"kms:GenerateDataKey", "kms:Decrypt"} <= actions:
            continue
        patterns = [literal(p) for p in as_list(statement.get("Condition", {}).get("ArnLike", {}).get("aws:SourceArn"))]
        if any(p is not None and fnmatch.fnmatchcase(rule_arn, p) for p in patterns):
            return True
    return False


@pytest.mark.parametrize("stage", ["dev", PRODUCTION])
def test_every_rule_may_write_to_its_encrypted_queues(
    synthesized: Synthesized, other_stages: dict[str, Synthesized], stage: str
) -> None:
    assembly = synthesized if stage == "dev" else other_stages[stage]
    resources = assembly.resources
    checked = 0
    for rule_id, rule in assembly.of_type("AWS::Events::Rule").items():
        arn = _rule_arn(rule, resources)
        for queue_id in _queues_of(rule):
            key_id = ref_id(resources[queue_id]["Properties"]["KmsMasterKeyId"])
            assert _events_may_use(resources[key_id], arn), (rule_id, arn, queue_id, key_id)
            checked += 1
    assert checked >= 3  # the outbox's two rules and the uploads' rule, at least
