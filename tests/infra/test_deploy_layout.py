"""Room to grow: the platform stack keeps every stateful resource under its logical id, and the
stacks stay far from CloudFormation's limits (500 resources, 1 MB). The figures are printed."""

from __future__ import annotations

import itertools
import json

import pytest

from ahaki.http.routes import ROUTES, Function
from infra.register_stack.contexts import CONTEXT_OF, Context
from infra.stack_sizes import HEADROOM, MORE_CONTEXTS, RESOURCE_LIMIT, TEMPLATE_LIMIT_BYTES, estimates, sizes
from tests.infra.conftest import PRODUCTION, SECOND_DEV_STAGE
from tests.infra.template_tools import Synthesized, created_before

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


def _templates(synthesized: Synthesized) -> dict[str, dict[str, dict[str, object]]]:
    return {p.name: json.loads(p.read_text())["Resources"] for p in synthesized.outdir.glob("*.template.json")}


def _home_of(templates: dict[str, dict[str, dict[str, object]]], logical_id: str) -> str:
    [home] = [name for name, resources in templates.items() if logical_id in resources]
    return home


@pytest.mark.parametrize("function", list(Function), ids=str)
def test_each_function_with_its_role_policy_and_logs_lives_in_its_context_s_stack(
    synthesized: Synthesized, function: Function
) -> None:
    templates = _templates(synthesized)
    [fn_id] = [
        k
        for k, r in synthesized.of_type("AWS::Lambda::Function").items()
        if r["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == function.value
    ]
    prefix = "Functions" + function.value.title().replace("_", "")
    own = [k for k in synthesized.resources if k.startswith(prefix)]
    kinds = {synthesized.resources[k]["Type"] for k in own}
    assert {"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::Logs::LogGroup"} <= kinds
    homes = {_home_of(templates, k) for k in [fn_id, *own]}
    assert len(homes) == 1, homes
    [home] = homes
    assert f"{CONTEXT_OF[function].stack_id}" in home and home.endswith(".nested.template.json"), home


def test_the_platform_stack_holds_no_function_role_mapping_rule_or_schedule(synthesized: Synthesized) -> None:
    platform = _platform_template(synthesized)
    moved = {
        "AWS::Lambda::Function",
        "AWS::IAM::ManagedPolicy",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Events::Rule",
        "AWS::Scheduler::Schedule",
    }
    assert sorted(k for k, r in platform.items() if r["Type"] in moved) == []
    # The one role left is API Gateway's account-wide logging role (in the API's stack since the split).
    assert [k for k, r in platform.items() if r["Type"] == "AWS::IAM::Role"] == []


def test_the_api_comes_before_the_contexts_and_its_stage_after_every_context(
    synthesized: Synthesized,
) -> None:
    """One ``cdk deploy --all`` of the platform stack: CloudFormation creates the nested stacks in
    the order their references give: tables and keys, then the REST API, then each context with
    its routes, then the deployment and stage that snapshot every context's methods."""
    platform = _platform_template(synthesized)
    nested = [k for k, r in platform.items() if r["Type"] == "AWS::CloudFormation::Stack"]
    contexts = {c: [k for k in nested if k.startswith(c.stack_id)] for c in Context}
    assert all(len(ids) == 1 for ids in contexts.values()), contexts
    [api] = [k for k in nested if k.startswith("ApiStackNested")]
    [stage] = [k for k in nested if k.startswith("ApiStageStack")]
    serving = {CONTEXT_OF[route.function] for route in ROUTES}
    assert {contexts[c][0] for c in Context} <= created_before(platform, stage)
    for context in serving:
        assert api in created_before(platform, contexts[context][0]), context
    for ids in contexts.values():
        assert {"AuditTable", "VaultKey"} <= created_before(platform, ids[0]) or "RegisterTable" in created_before(
            platform, ids[0]
        ), ids


def test_the_contexts_that_add_routes_are_created_one_after_another(synthesized: Synthesized) -> None:
    """API Gateway refuses concurrent changes to one REST API: two contexts' stacks adding
    resources and methods at once could fail a deploy. Any two of them are ordered."""
    platform = _platform_template(synthesized)
    nested = [k for k, r in platform.items() if r["Type"] == "AWS::CloudFormation::Stack"]
    serving = sorted({CONTEXT_OF[route.function] for route in ROUTES})
    ids = [next(k for k in nested if k.startswith(c.stack_id)) for c in serving]
    assert len(ids) > 1
    for one, other in itertools.combinations(ids, 2):
        assert one in created_before(platform, other) or other in created_before(platform, one), (one, other)


def _stack_ids(synthesized: Synthesized) -> list[str]:
    return sorted(
        p.name.removesuffix(".template.json")
        for p in synthesized.outdir.glob("*.template.json")
        if not p.name.endswith(".nested.template.json")
    )


@pytest.mark.parametrize("stage", ["dev", SECOND_DEV_STAGE, PRODUCTION])
def test_every_stack_stays_within_sixty_percent_of_the_limits_with_five_more_contexts(
    synthesized: Synthesized, other_stages: dict[str, Synthesized], stage: str
) -> None:
    assembly = synthesized if stage == "dev" else other_stages[stage]
    [stack_id] = [s for s in _stack_ids(assembly) if s.endswith(f"-{stage}")]
    rows = estimates(assembly.outdir, stack_id)
    assert len(rows) == 9  # the platform, the API, its stage, monitoring, four contexts, and a new context's own
    print()
    for row in rows:
        count, size = row.with_more_contexts(MORE_CONTEXTS)
        print(
            f"{stage} {row.name}: {row.resources} resources, {row.size / 1000:.0f} KB; +{row.per_context} "
            f"per context; with {MORE_CONTEXTS} more {count} / {size / 1000:.0f} KB"
        )
        assert row.resources <= HEADROOM * RESOURCE_LIMIT and row.size <= HEADROOM * TEMPLATE_LIMIT_BYTES, row
        assert count <= HEADROOM * RESOURCE_LIMIT and size <= HEADROOM * TEMPLATE_LIMIT_BYTES, row
