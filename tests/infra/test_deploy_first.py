"""A first ``cdk deploy`` that succeeds: ordering, quotas, names and removal per stage.

None of this shows in tests that call the handlers: each check reads the synthesized templates
of the cdk.json stage (dev), a second dev stage in the same account and production.
"""

from __future__ import annotations

import json

import pytest

from ahaki.http.routes import Function
from infra.register_stack.settings import PRODUCTION_RESERVED_CONCURRENCY
from tests.infra.conftest import PRODUCTION, SECOND_DEV_STAGE
from tests.infra.template_tools import Synthesized, as_list, created_before, physical_names, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

STATEFUL = (
    "AWS::DynamoDB::Table",
    "AWS::KMS::Key",
    "AWS::S3::Bucket",
    "AWS::Cognito::UserPool",
    "AWS::Logs::LogGroup",
)


def _role_of_function(synthesized: Synthesized, function_id: str) -> str:
    return ref_id(synthesized.resources[function_id]["Properties"]["Role"])


def _policies_of_role(synthesized: Synthesized, role: str, *, allowing: bool = False) -> set[str]:
    return {
        logical_id
        for logical_id, policy in synthesized.of_type("AWS::IAM::ManagedPolicy").items()
        if role in {ref_id(r) for r in policy["Properties"].get("Roles", [])}
        and (not allowing or any(s["Effect"] == "Allow" for s in policy["Properties"]["PolicyDocument"]["Statement"]))
    }


def test_every_mapping_waits_for_every_policy_that_grants_its_function_s_role(synthesized: Synthesized) -> None:
    """Lambda refuses a queue mapping whose role cannot yet receive from the queue and decrypt it."""
    mappings = synthesized.of_type("AWS::Lambda::EventSourceMapping")
    assert len(mappings) >= 4
    for logical_id, mapping in mappings.items():
        function_id = ref_id(mapping["Properties"]["FunctionName"])
        policies = _policies_of_role(synthesized, _role_of_function(synthesized, function_id), allowing=True)
        assert policies
        missing = policies - created_before(synthesized.resources, logical_id)
        assert not missing, f"{logical_id} may be created before {sorted(missing)}"


def test_a_dev_stage_reserves_no_concurrency(synthesized: Synthesized, other_stages: dict[str, Synthesized]) -> None:
    for stage in (synthesized, other_stages[SECOND_DEV_STAGE]):
        for function in stage.of_type("AWS::Lambda::Function").values():
            assert "ReservedConcurrentExecutions" not in function["Properties"]


def test_production_reserves_the_documented_concurrency(other_stages: dict[str, Synthesized]) -> None:
    reserved = {
        f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]: f["Properties"][
            "ReservedConcurrentExecutions"
        ]
        for f in other_stages[PRODUCTION].of_type("AWS::Lambda::Function").values()
    }
    assert reserved == {function.value: n for function, n in PRODUCTION_RESERVED_CONCURRENCY.items()}
    assert set(reserved) == {f.value for f in Function}


def test_a_second_stage_shares_no_physical_name_with_the_first(
    synthesized: Synthesized, other_stages: dict[str, Synthesized]
) -> None:
    first = physical_names(synthesized.resources)
    for stage in (SECOND_DEV_STAGE, PRODUCTION):
        shared = set(first) & set(physical_names(other_stages[stage].resources))
        assert not shared, f"{stage} would collide with dev on {sorted(shared)}"


def test_only_one_stage_of_an_account_sets_the_api_gateway_logging_role(
    synthesized: Synthesized, other_stages: dict[str, Synthesized]
) -> None:
    assert synthesized.of_type("AWS::ApiGateway::Account")
    assert not other_stages[SECOND_DEV_STAGE].of_type("AWS::ApiGateway::Account")


@pytest.mark.parametrize("stage", ["dev", PRODUCTION])
def test_no_retained_resource_has_a_fixed_name(
    synthesized: Synthesized, other_stages: dict[str, Synthesized], stage: str
) -> None:
    """A rolled-back first deploy keeps what it retains; the next create must not need its name."""
    resources = synthesized.resources if stage == "dev" else other_stages[stage].resources
    retained = {k: v for k, v in resources.items() if v.get("DeletionPolicy") == "Retain"}
    fixed = physical_names(retained)
    assert not fixed, f"retained with a fixed name: {fixed}"


def test_a_dev_stage_removes_everything_it_created(synthesized: Synthesized) -> None:
    # API Gateway's logging role is account-wide (other stages log through it): it stays.
    account_wide = {
        ref_id(a["Properties"]["CloudWatchRoleArn"]) for a in synthesized.of_type("AWS::ApiGateway::Account").values()
    }
    account_wide |= set(synthesized.of_type("AWS::ApiGateway::Account"))
    for logical_id, resource in synthesized.resources.items():
        if logical_id not in account_wide:
            assert resource.get("DeletionPolicy") in (None, "Delete"), logical_id
    for logical_id, table in synthesized.of_type("AWS::DynamoDB::Table").items():
        assert table["Properties"].get("DeletionProtectionEnabled") in (None, False), logical_id
    [pool] = synthesized.of_type("AWS::Cognito::UserPool").values()
    assert pool["Properties"].get("DeletionProtection", "INACTIVE") == "INACTIVE"


def test_production_retains_its_data(other_stages: dict[str, Synthesized]) -> None:
    production = other_stages[PRODUCTION]
    for cfn_type in STATEFUL:
        resources = production.of_type(cfn_type)
        assert resources, cfn_type
        for logical_id, resource in resources.items():
            assert resource.get("DeletionPolicy") == "Retain", logical_id
    for logical_id, table in production.of_type("AWS::DynamoDB::Table").items():
        assert table["Properties"]["DeletionProtectionEnabled"] is True, logical_id
    [pool] = production.of_type("AWS::Cognito::UserPool").values()
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"


def test_no_function_s_environment_holds_the_trust_anchors(other_stages: dict[str, Synthesized]) -> None:
    """Two CA certificates would not fit Lambda's 4 KB environment: the portal reads them from SSM."""
    production = other_stages[PRODUCTION]
    for logical_id, function in production.of_type("AWS::Lambda::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert "BEGIN CERTIFICATE" not in json.dumps(variables), logical_id
        assert len(json.dumps(variables)) < 4096, logical_id
    parameters = production.of_type("AWS::SSM::Parameter")
    [(parameter_id, parameter)] = [
        (k, v) for k, v in parameters.items() if "BEGIN CERTIFICATE" in v["Properties"]["Value"]
    ]
    assert "Name" not in parameter["Properties"]  # generated: no collision between stages
    readers = [
        f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for f in production.of_type("AWS::Lambda::Function").values()
        if ref_id(f["Properties"]["Environment"]["Variables"].get("SIGNATURE_TRUST_ANCHORS_PARAMETER")) == parameter_id
    ]
    assert Function.PORTAL_API.value in readers  # the one granted ssm:GetParameter (test_iam)


def test_each_function_gets_only_the_variables_it_reads(synthesized: Synthesized) -> None:
    """A function that never touches a table, queue or key is not told its name."""
    env = {
        f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]: set(
            f["Properties"]["Environment"]["Variables"]
        )
        for f in synthesized.of_type("AWS::Lambda::Function").values()
    }
    assert "REGISTER_TABLE" not in env[Function.OUTBOX_RELAY.value]
    assert "EVENT_BUS_NAME" in env[Function.OUTBOX_RELAY.value]
    assert "EMAIL_SOURCE" not in env[Function.REGISTRY_API.value]
    assert "SYNC_TABLE" not in env[Function.NOTIFIER.value]
    assert "PORTAL_CALLER_ARNS" not in env[Function.REGISTRY_API.value]
    assert "IDEMPOTENCY_TABLE" not in env[Function.SYNC_WORKER.value]
    sizes = {name: len(names) for name, names in env.items()}
    assert max(sizes.values()) < min(26, len(set().union(*env.values()))), sizes


def test_the_relay_may_list_the_outbox_streams(synthesized: Synthesized) -> None:
    relay_role = next(
        _role_of_function(synthesized, k)
        for k, f in synthesized.of_type("AWS::Lambda::Function").items()
        if f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == Function.OUTBOX_RELAY.value
    )
    actions = {
        action
        for policy_id in _policies_of_role(synthesized, relay_role)
        for statement in synthesized.resources[policy_id]["Properties"]["PolicyDocument"]["Statement"]
        for action in as_list(statement["Action"])
    }
    assert "dynamodb:ListStreams" in actions
