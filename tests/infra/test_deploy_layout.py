"""Room to grow: the platform stack keeps every stateful resource under its logical id, and the
stacks stay far from CloudFormation's limits (500 resources, 1 MB). The figures are printed."""

from __future__ import annotations

import json

import pytest

from infra.stack_sizes import RESOURCE_LIMIT, TEMPLATE_LIMIT_BYTES, sizes
from tests.infra.template_tools import Synthesized

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

# Taken from the template before the stack was split: replacing any of these would lose data
# (or, for keys, make it unreadable), so they stay in the platform stack under these ids.
STATEFUL_LOGICAL_IDS = {
    "RegisterKey": "AWS::KMS::Key",
    "VaultKey": "AWS::KMS::Key",
    "VaultTableKey": "AWS::KMS::Key",
    "BlindIndexKey": "AWS::KMS::Key",
    "AuditKey": "AWS::KMS::Key",
    "ApplicationsKey": "AWS::KMS::Key",
    "LogsKey": "AWS::KMS::Key",
    "MessagingMessagingKey0003BAC4": "AWS::KMS::Key",
    "ExchangeKey": "AWS::KMS::Key",
    "RegisterTable": "AWS::DynamoDB::Table",
    "VaultTable": "AWS::DynamoDB::Table",
    "AuditTable": "AWS::DynamoDB::Table",
    "OutboxTable": "AWS::DynamoDB::Table",
    "InboxTable": "AWS::DynamoDB::Table",
    "DeliveryTable": "AWS::DynamoDB::Table",
    "ContactTable": "AWS::DynamoDB::Table",
    "NoticeTable": "AWS::DynamoDB::Table",
    "SyncTable": "AWS::DynamoDB::Table",
    "ApplicationsTable": "AWS::DynamoDB::Table",
    "IdempotencyTable": "AWS::DynamoDB::Table",
    "AttachmentsBucket": "AWS::S3::Bucket",
    "JlisExchangeBucket": "AWS::S3::Bucket",
    "AuthStaffUserPoolE4EE39B6": "AWS::Cognito::UserPool",
    "MessagingEventBus410FA98D": "AWS::Events::EventBus",
    "MessagingStaffAlertsTopic9F0DD43F": "AWS::SNS::Topic",
    "MessagingNotifierQueueDlqCEFB6F71": "AWS::SQS::Queue",
    "MessagingNotifierQueue0D79632A": "AWS::SQS::Queue",
    "MessagingNoticeFanoutQueueDlq95555BB1": "AWS::SQS::Queue",
    "MessagingNoticeFanoutQueueC810B4CD": "AWS::SQS::Queue",
    "MessagingOutboxRelayDlqB56D59EC": "AWS::SQS::Queue",
    "MessagingEventBusDlq91E58081": "AWS::SQS::Queue",
    "SyncDeadLetters": "AWS::SQS::Queue",
    "SyncQueue": "AWS::SQS::Queue",
}


def _platform_template(synthesized: Synthesized) -> dict[str, dict[str, object]]:
    [template] = [p for p in synthesized.outdir.glob("*.template.json") if not p.name.endswith(".nested.template.json")]
    resources: dict[str, dict[str, object]] = json.loads(template.read_text())["Resources"]
    return resources


def test_stateful_resources_keep_their_logical_ids_in_the_platform_stack(synthesized: Synthesized) -> None:
    platform = _platform_template(synthesized)
    assert {k: platform[k]["Type"] for k in STATEFUL_LOGICAL_IDS if k in platform} == STATEFUL_LOGICAL_IDS


def test_monitoring_is_a_stack_of_its_own(synthesized: Synthesized) -> None:
    platform = _platform_template(synthesized)
    assert not [k for k, r in platform.items() if r["Type"] in ("AWS::CloudWatch::Dashboard",)]
    assert any(r["Type"] == "AWS::CloudWatch::Dashboard" for r in synthesized.resources.values())


def test_every_stack_has_room_for_five_more_contexts(synthesized: Synthesized) -> None:
    rows = sizes(synthesized.outdir)
    print()  # shown with pytest -s: the figures of this synthesis
    for name, count, size in rows:
        print(
            f"{name}: {count} of {RESOURCE_LIMIT} resources, {size / 1000:.0f} of {TEMPLATE_LIMIT_BYTES / 1000:.0f} KB"
        )
    # A context (its functions, roles, policies, logs, routes and permission) is about 40
    # resources and 80 KB in the platform stack: five more must fit.
    for name, count, size in rows:
        assert count + 5 * 40 <= RESOURCE_LIMIT, name
        assert size + 5 * 80_000 <= TEMPLATE_LIMIT_BYTES, name
