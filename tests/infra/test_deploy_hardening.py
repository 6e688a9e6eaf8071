"""Hardening read from the template: who may decrypt My Numbers, every service principal and trust
bound to this account, grants equal to the calls, and the logs API Gateway writes itself."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ahaki.http.routes import Function
from infra.register_stack.access import ACCESS
from tests.infra.conftest import PORTAL_PRINCIPAL, PRODUCTION
from tests.infra.template_tools import Synthesized, as_list, literal, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _roles(synthesized: Synthesized) -> dict[Function, str]:
    return {
        Function(f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]): ref_id(
            f["Properties"]["Role"]
        )
        for f in synthesized.of_type("AWS::Lambda::Function").values()
    }


def _key_statements(synthesized: Synthesized, key_id: str) -> list[dict[str, Any]]:
    return list(synthesized.resources[key_id]["Properties"]["KeyPolicy"]["Statement"])


def test_the_vault_key_refuses_decrypt_to_all_but_the_roles_that_open_my_numbers(synthesized: Synthesized) -> None:
    statements = _key_statements(synthesized, "VaultKey")
    [deny] = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Principal"] == {"AWS": "*"}
    assert as_list(deny["Action"]) == ["kms:Decrypt"]
    # Named by ARN, built from the role's name: the roles are in the contexts' stacks, which
    # need the key, so the key's policy cannot refer to them.
    arns = [str(literal(arn)) for arn in as_list(deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"])]
    assert all(arn.startswith("arn:aws:iam::<account>:role/") for arn in arns), arns
    allowed = {arn.rsplit("/", 1)[-1] for arn in arns}
    roles = {f: synthesized.resources[role]["Properties"]["RoleName"] for f, role in _roles(synthesized).items()}
    decrypters = {
        f
        for f, access in ACCESS.items()
        if any(u.key.logical_id == "VaultKey" and "kms:Decrypt" in u.actions for u in access.keys)
    }
    assert decrypters == {Function.MY_NUMBER_REVEAL, Function.RESIDENT_LOOKUP, Function.SYNC_WORKER}
    assert allowed == {roles[f] for f in decrypters}
    # The account still administers the key (and only delegates use to IAM for the rest).
    assert any(s["Effect"] == "Allow" and ":root" in json.dumps(s["Principal"]) for s in statements)


def _trust(synthesized: Synthesized, role_id: str) -> list[dict[str, Any]]:
    return list(synthesized.resources[role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"])


def test_the_scheduler_may_assume_its_role_for_this_account_only(synthesized: Synthesized) -> None:
    roles = [
        k
        for k, r in synthesized.of_type("AWS::IAM::Role").items()
        if "scheduler.amazonaws.com" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    assert len(roles) == 2  # the sync planner's and the retention job's schedules
    for role_id in roles:
        [trust] = _trust(synthesized, role_id)
        assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


def _portal_role(synthesized: Synthesized) -> str:
    [role_id] = [
        k
        for k, r in synthesized.of_type("AWS::IAM::Role").items()
        if str(r["Properties"].get("RoleName", "")).startswith("ahaki-portal-integration-")
    ]
    return role_id


def test_the_portal_role_trusts_the_configured_principal_not_the_account(other_stages: dict[str, Synthesized]) -> None:
    production = other_stages[PRODUCTION]
    [trust] = _trust(production, _portal_role(production))
    assert trust["Principal"] == {"AWS": PORTAL_PRINCIPAL}


def test_without_a_configured_principal_only_a_tagged_principal_may_assume_the_portal_role(
    synthesized: Synthesized,
) -> None:
    [trust] = _trust(synthesized, _portal_role(synthesized))
    assert ":root" in json.dumps(trust["Principal"])
    assert trust["Condition"]["StringEquals"]["aws:PrincipalTag/ahaki-portal-integration"] == "dev"


def _service_statements(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements if s["Effect"] == "Allow" and "Service" in s.get("Principal", {})]


@pytest.mark.parametrize("key_id", ["MessagingKey", "ExchangeKey"])
def test_services_may_use_the_queue_keys_for_this_account_s_resources_only(
    synthesized: Synthesized, key_id: str
) -> None:
    [key_logical] = [k for k in synthesized.of_type("AWS::KMS::Key") if key_id in k]
    statements = _service_statements(_key_statements(synthesized, key_logical))
    assert statements
    for statement in statements:
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}, statement
        services = as_list(statement["Principal"]["Service"])
        if "s3.amazonaws.com" not in services:  # S3's source is the bucket: see the ADR on the cycle
            assert "aws:SourceArn" in statement["Condition"].get("ArnLike", {}), statement


def test_every_queue_policy_names_its_source(synthesized: Synthesized) -> None:
    policies = synthesized.of_type("AWS::SQS::QueuePolicy")
    assert policies
    for logical_id, policy in policies.items():
        for statement in _service_statements(policy["Properties"]["PolicyDocument"]["Statement"]):
            condition = json.dumps(statement.get("Condition", {}))
            assert "aws:SourceArn" in condition or "aws:SourceAccount" in condition, logical_id


def _allowed(synthesized: Synthesized, role: str) -> set[tuple[str, str]]:
    return {
        (action, ref_id(resource))
        for policy in synthesized.of_type("AWS::IAM::ManagedPolicy").values()
        if role in {ref_id(r) for r in policy["Properties"].get("Roles", [])}
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow"
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }


def test_no_role_may_condition_check_since_no_code_checks_a_condition_alone(synthesized: Synthesized) -> None:
    for function, role in _roles(synthesized).items():
        assert not {g for g in _allowed(synthesized, role) if g[0] == "dynamodb:ConditionCheckItem"}, function


def test_audit_records_are_appended_and_read_by_chain_never_got_one_by_one(synthesized: Synthesized) -> None:
    for function, role in _roles(synthesized).items():
        assert ("dynamodb:GetItem", "AuditTable") not in _allowed(synthesized, role), function


def test_only_the_resident_register_functions_query_the_audit_by_actor(synthesized: Synthesized) -> None:
    """The look-up rate limit counts a caller's recent look-ups (residents/adapters/query_log.py)."""
    users = {
        function
        for function, role in _roles(synthesized).items()
        if any(resource.startswith("AuditTable/index/") for _, resource in _allowed(synthesized, role))
    }
    assert users == {Function.RESIDENT_LOOKUP, Function.SYNC_API, Function.SYNC_PLANNER, Function.SYNC_WORKER}


def test_api_gateway_s_execution_log_exists_before_the_stage_with_retention_and_key(synthesized: Synthesized) -> None:
    [stage_id] = synthesized.of_type("AWS::ApiGateway::Stage")
    [(group_id, group)] = [
        (k, g)
        for k, g in synthesized.of_type("AWS::Logs::LogGroup").items()
        if "API-Gateway-Execution-Logs_" in json.dumps(g["Properties"].get("LogGroupName", ""))
    ]
    assert group["Properties"]["RetentionInDays"] > 0
    assert ref_id(group["Properties"]["KmsKeyId"]) == "LogsKey"
    assert group_id in as_list(synthesized.resources[stage_id].get("DependsOn", []))


def test_staff_mail_of_a_production_pool_goes_through_ses(other_stages: dict[str, Synthesized]) -> None:
    production = other_stages[PRODUCTION]
    [pool] = production.of_type("AWS::Cognito::UserPool").values()
    [identity] = production.of_type("AWS::SES::EmailIdentity").values()
    email = pool["Properties"]["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"].endswith("@" + identity["Properties"]["EmailIdentity"] + ">")
    assert identity["Properties"]["EmailIdentity"] in json.dumps(email["SourceArn"])


def test_one_invoke_permission_per_api_function(synthesized: Synthesized) -> None:
    permissions = [
        p["Properties"]
        for p in synthesized.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    targets = [ref_id(p["FunctionName"]) for p in permissions]
    assert len(targets) == len(set(targets))


def _s3_statements(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in _service_statements(statements) if "s3.amazonaws.com" in as_list(s["Principal"]["Service"])]


def test_s3_may_notify_the_sync_queue_and_use_its_key_for_the_exchange_bucket_only(synthesized: Synthesized) -> None:
    """The account is not enough: another bucket of the account could send to the sync queue."""
    bucket_name = synthesized.resources["JlisExchangeBucket"]["Properties"].get("BucketName")
    assert bucket_name is not None  # known before the bucket exists, so the policies can name it
    [key_id] = [k for k in synthesized.of_type("AWS::KMS::Key") if "ExchangeKey" in k]
    [queue_policy] = [
        p
        for p in synthesized.of_type("AWS::SQS::QueuePolicy").values()
        if "SyncQueue" in {ref_id(q) for q in p["Properties"]["Queues"]}
    ]
    statements = _s3_statements(_key_statements(synthesized, key_id)) + _s3_statements(
        queue_policy["Properties"]["PolicyDocument"]["Statement"]
    )
    assert len(statements) == 2
    for statement in statements:
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
        source = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        assert source == {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", bucket_name]]}, source
