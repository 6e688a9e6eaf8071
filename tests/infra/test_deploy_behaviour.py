"""What a deployed stack does that no handler test can see: alarms reach someone, the sync worker
is not throttled into its dead-letter queue, J-LIS can reach its files, the firewall lets the
portal through, e-mail can leave a dev stage, and a browser may call the staff API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ahaki.http.routes import ROUTES, AuthType, Function
from ahaki.residents.domain.jlis import INBOUND, OUTBOUND
from tests.infra.conftest import (
    ALERT_EMAIL,
    JLIS_PRINCIPAL,
    PRODUCTION,
    SANDBOX_RECIPIENTS,
    SECOND_DEV_STAGE,
    STAFF_ORIGINS,
    UPLOAD_ORIGINS,
)
from tests.infra.template_tools import Synthesized, as_list, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return list(policy["PolicyDocument"]["Statement"] if "PolicyDocument" in policy else policy["Statement"])


def _function(synthesized: Synthesized, function: Function) -> tuple[str, dict[str, Any]]:
    for logical_id, fn in synthesized.of_type("AWS::Lambda::Function").items():
        if fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == function.value:
            return logical_id, fn
    raise AssertionError(function)


# -- alarms reach someone --------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["dev", PRODUCTION])
def test_cloudwatch_may_publish_to_the_staff_topic_from_this_account_s_alarms_only(
    synthesized: Synthesized, other_stages: dict[str, Synthesized], stage: str
) -> None:
    template = synthesized if stage == "dev" else other_stages[stage]
    [topic] = template.of_type("AWS::SNS::Topic")
    allows = [
        s
        for policy in template.of_type("AWS::SNS::TopicPolicy").values()
        if topic in {ref_id(t) for t in policy["Properties"]["Topics"]}
        for s in _statements(policy["Properties"])
        if s["Effect"] == "Allow"
    ]
    [allow] = allows
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert as_list(allow["Action"]) == ["sns:Publish"]
    assert allow["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert ":alarm:" in json.dumps(allow["Condition"]["ArnLike"]["aws:SourceArn"])


def test_the_configured_alert_address_is_subscribed(other_stages: dict[str, Synthesized]) -> None:
    production = other_stages[PRODUCTION]
    [topic] = production.of_type("AWS::SNS::Topic")
    subscriptions = [s["Properties"] for s in production.of_type("AWS::SNS::Subscription").values()]
    assert [(s["Protocol"], s["Endpoint"], ref_id(s["TopicArn"])) for s in subscriptions] == [
        ("email", ALERT_EMAIL, topic)
    ]


# -- the sync worker ---------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["dev", PRODUCTION])
def test_the_sync_worker_s_mapping_never_polls_beyond_what_the_worker_may_run(
    synthesized: Synthesized, other_stages: dict[str, Synthesized], stage: str
) -> None:
    template = synthesized if stage == "dev" else other_stages[stage]
    worker_id, worker = _function(template, Function.SYNC_WORKER)
    [mapping] = [
        m["Properties"]
        for m in template.of_type("AWS::Lambda::EventSourceMapping").values()
        if ref_id(m["Properties"]["FunctionName"]) == worker_id
    ]
    maximum = mapping["ScalingConfig"]["MaximumConcurrency"]
    assert maximum >= 2
    reserved = worker["Properties"].get("ReservedConcurrentExecutions")
    assert stage == "dev" or reserved is not None
    assert reserved is None or maximum <= reserved


# -- J-LIS -----------------------------------------------------------------------------------


def test_the_jlis_principal_reads_outbound_and_writes_inbound_and_nothing_else(
    other_stages: dict[str, Synthesized],
) -> None:
    production = other_stages[PRODUCTION]
    [policy] = [
        p["Properties"]
        for p in production.of_type("AWS::S3::BucketPolicy").values()
        if ref_id(p["Properties"]["Bucket"]) == "JlisExchangeBucket"
    ]
    granted = {
        (action, ref_id(resource))
        for s in _statements(policy)
        if s["Effect"] == "Allow" and JLIS_PRINCIPAL in json.dumps(s["Principal"])
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }
    assert granted == {
        ("s3:GetObject", f"JlisExchangeBucket/{OUTBOUND}/*"),
        ("s3:PutObject", f"JlisExchangeBucket/{INBOUND}/*"),
    }
    key_grants = [
        s
        for s in _statements(production.resources["ExchangeKey"]["Properties"]["KeyPolicy"])
        if JLIS_PRINCIPAL in json.dumps(s.get("Principal", {}))
    ]
    [key_grant] = key_grants
    assert set(as_list(key_grant["Action"])) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert key_grant["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")


def test_without_a_configured_principal_no_one_outside_the_account_reaches_the_exchange(
    synthesized: Synthesized,
) -> None:
    for policy in synthesized.of_type("AWS::S3::BucketPolicy").values():
        for statement in _statements(policy["Properties"]):
            assert statement["Effect"] == "Deny" or "jlis" not in json.dumps(statement).lower()


# -- the firewall ----------------------------------------------------------------------------


def _rules(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    [acl] = synthesized.of_type("AWS::WAFv2::WebACL").values()
    return {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}


def _excludes_portal(statement: dict[str, Any]) -> bool:
    text = json.dumps(statement)
    return "NotStatement" in text and "/portal/" in text


def test_the_staff_rate_limit_does_not_count_the_portal_s_requests(synthesized: Synthesized) -> None:
    rules = _rules(synthesized)
    staff = rules["RateLimitPerIp"]["Statement"]["RateBasedStatement"]
    assert _excludes_portal(staff["ScopeDownStatement"])
    portal = rules["PortalRateLimitPerIp"]["Statement"]["RateBasedStatement"]
    assert "/portal/" in json.dumps(portal["ScopeDownStatement"])
    assert portal["Limit"] > staff["Limit"]


def test_signed_portal_bodies_over_8_kb_pass_while_staff_bodies_are_limited(synthesized: Synthesized) -> None:
    rules = _rules(synthesized)
    common = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    overrides = {o["Name"]: o["ActionToUse"] for o in common.get("RuleActionOverrides", [])}
    assert overrides.get("SizeRestrictions_BODY") == {"Count": {}}
    body = rules["StaffBodySizeLimit"]
    assert body["Action"] == {"Block": {}}
    statements = body["Statement"]["AndStatement"]["Statements"]
    [size] = [s["SizeConstraintStatement"] for s in statements if "SizeConstraintStatement" in s]
    assert (size["ComparisonOperator"], size["Size"], size["FieldToMatch"]) == (
        "GT",
        8192,
        {"Body": {"OversizeHandling": "MATCH"}},
    )
    assert any(_excludes_portal(s) for s in statements)


# -- e-mail ----------------------------------------------------------------------------------


def test_each_stage_sends_from_its_own_domain_with_dkim(
    synthesized: Synthesized, other_stages: dict[str, Synthesized]
) -> None:
    domains = set()
    for template in (synthesized, *other_stages.values()):
        [identity] = template.of_type("AWS::SES::EmailIdentity").values()
        assert identity["Properties"]["DkimAttributes"]["SigningEnabled"] is True
        assert identity["Properties"]["DkimSigningAttributes"]["NextSigningKeyLength"] == "RSA_2048_BIT"
        domains.add(identity["Properties"]["EmailIdentity"])
        _, notifier = _function(template, Function.NOTIFIER)
        source = notifier["Properties"]["Environment"]["Variables"]["EMAIL_SOURCE"]
        assert source.endswith("@" + identity["Properties"]["EmailIdentity"])
    assert len(domains) == 3


def _send_email_resources(synthesized: Synthesized) -> set[str]:
    _, notifier = _function(synthesized, Function.NOTIFIER)
    role = ref_id(notifier["Properties"]["Role"])
    return {
        ref_id(resource)
        for policy in synthesized.of_type("AWS::IAM::ManagedPolicy").values()
        if role in {ref_id(r) for r in policy["Properties"].get("Roles", [])}
        for s in _statements(policy["Properties"])
        if "ses:SendEmail" in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }


def test_a_dev_stage_in_the_ses_sandbox_may_send_to_its_verified_recipients(
    other_stages: dict[str, Synthesized],
) -> None:
    resources = _send_email_resources(other_stages[SECOND_DEV_STAGE])
    for address in SANDBOX_RECIPIENTS:
        assert any(r.endswith(f":identity/{address}") for r in resources), resources
    assert not any("@" in r for r in _send_email_resources(other_stages[PRODUCTION]))


# -- a browser on the staff API --------------------------------------------------------------


def _resource_paths(synthesized: Synthesized) -> dict[str, str]:
    resources = synthesized.of_type("AWS::ApiGateway::Resource")
    paths: dict[str, str] = {}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            parent = ref_id(props["ParentId"])
            prefix = path_of(parent) if parent in resources else ""
            paths[logical_id] = f"{prefix}/{props['PathPart']}"
        return paths[logical_id]

    for logical_id in resources:
        path_of(logical_id)
    return paths


def test_every_staff_route_answers_a_preflight_for_the_configured_origin(other_stages: dict[str, Synthesized]) -> None:
    production = other_stages[PRODUCTION]
    paths = _resource_paths(production)
    preflights = {
        paths[ref_id(m["Properties"]["ResourceId"])]: m["Properties"]
        for m in production.of_type("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    }
    staff_paths = {r.path for r in ROUTES if r.auth is AuthType.STAFF}
    portal_only = {r.path for r in ROUTES if r.auth is AuthType.PORTAL} - staff_paths
    assert staff_paths <= set(preflights)
    assert not portal_only & set(preflights)
    for path in staff_paths:
        answer = preflights[path]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert answer["method.response.header.Access-Control-Allow-Origin"] == f"'{STAFF_ORIGINS[0]}'", path
        assert "If-Match" in answer["method.response.header.Access-Control-Allow-Headers"]


def test_the_gateway_s_own_refusals_carry_the_cors_origin(other_stages: dict[str, Synthesized]) -> None:
    for response in other_stages[PRODUCTION].of_type("AWS::ApiGateway::GatewayResponse").values():
        headers = response["Properties"]["ResponseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{STAFF_ORIGINS[0]}'"


def test_staff_functions_know_the_allowed_origins(other_stages: dict[str, Synthesized]) -> None:
    _, registry = _function(other_stages[PRODUCTION], Function.REGISTRY_API)
    assert registry["Properties"]["Environment"]["Variables"]["STAFF_ALLOWED_ORIGINS"] == ",".join(STAFF_ORIGINS)


def test_the_attachment_bucket_accepts_presigned_uploads_from_the_configured_origins(
    other_stages: dict[str, Synthesized],
) -> None:
    [rule] = other_stages[PRODUCTION].resources["AttachmentsBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["PUT"]
    assert rule["AllowedOrigins"] == UPLOAD_ORIGINS
