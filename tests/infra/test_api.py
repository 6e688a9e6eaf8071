"""The REST API is generated from routes.ROUTES, with Cognito on every method."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ahaki.http.routes import ROUTES, AuthType, Role, Route
from tests.infra.template_tools import Synthesized, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _paths(synthesized: Synthesized) -> dict[str, str]:
    """Resource logical id -> full path, walking ParentId/PathPart up to the API root."""
    resources = synthesized.of_type("AWS::ApiGateway::Resource")
    apis = set(synthesized.of_type("AWS::ApiGateway::RestApi"))

    def path_of(resource_id: str) -> str:
        props = resources[resource_id]["Properties"]
        parent = props["ParentId"]
        prefix = "" if isinstance(parent, dict) and "Fn::GetAtt" in parent and ref_id(parent) in apis else None
        if prefix is None:
            prefix = path_of(ref_id(parent))
        return f"{prefix}/{props['PathPart']}"

    return {resource_id: path_of(resource_id) for resource_id in resources}


def _methods(synthesized: Synthesized) -> dict[tuple[str, str], dict[str, Any]]:
    paths = _paths(synthesized)
    found = {}
    for method in synthesized.of_type("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "OPTIONS":  # CORS preflights: test_deploy_behaviour
            found[(props["HttpMethod"], paths[ref_id(props["ResourceId"])])] = props
    return found


def _function_of(synthesized: Synthesized, props: dict[str, Any]) -> str:
    uri = json.dumps(props["Integration"]["Uri"])
    functions = synthesized.of_type("AWS::Lambda::Function")
    [name] = [
        fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for fn_id, fn in functions.items()
        if f'"{fn_id}"' in uri
    ]
    return str(name)


def test_api_methods_are_exactly_the_route_table(synthesized: Synthesized) -> None:
    assert set(_methods(synthesized)) == {(route.method, route.path) for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_route_is_served_by_its_function_behind_cognito(synthesized: Synthesized, route: Route) -> None:
    props = _methods(synthesized)[(route.method, route.path)]
    [authorizer_id] = synthesized.of_type("AWS::ApiGateway::Authorizer")
    if route.auth is AuthType.PORTAL:  # the portal integration signs with IAM (SigV4)
        assert props["AuthorizationType"] == "AWS_IAM" and "AuthorizerId" not in props
    else:
        assert props["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert ref_id(props["AuthorizerId"]) == authorizer_id
    assert props["Integration"]["Type"] == "AWS_PROXY"
    assert props["OperationName"] == route.operation_id
    assert _function_of(synthesized, props) == route.function.value
    assert "RequestValidatorId" in props


def test_authorizer_uses_the_staff_user_pool(synthesized: Synthesized) -> None:
    [authorizer] = synthesized.of_type("AWS::ApiGateway::Authorizer").values()
    [pool_id] = synthesized.of_type("AWS::Cognito::UserPool")
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    assert [ref_id(arn) for arn in authorizer["Properties"]["ProviderARNs"]] == [pool_id]


def test_request_validator_checks_body_and_parameters(synthesized: Synthesized) -> None:
    [validator] = synthesized.of_type("AWS::ApiGateway::RequestValidator").values()
    assert validator["Properties"]["ValidateRequestBody"] is True
    assert validator["Properties"]["ValidateRequestParameters"] is True


def test_access_log_is_encrypted_json_without_paths_queries_or_bodies(synthesized: Synthesized) -> None:
    [stage] = synthesized.of_type("AWS::ApiGateway::Stage").values()
    setting = stage["Properties"]["AccessLogSetting"]
    fields = json.loads(setting["Format"])  # JSON format
    text = setting["Format"]
    for forbidden in ("$context.path", "querystring", "$input", "body", "$context.authorizer.claims.email"):
        assert forbidden not in text.replace("$context.resourcePath", ""), forbidden
    assert fields["resourcePath"] == "$context.resourcePath"
    log_group = synthesized.resources[ref_id(setting["DestinationArn"])]
    assert "KmsKeyId" in log_group["Properties"]
    assert "RetentionInDays" in log_group["Properties"]


def test_stage_is_throttled_and_never_logs_request_data(synthesized: Synthesized) -> None:
    [stage] = synthesized.of_type("AWS::ApiGateway::Stage").values()
    [settings] = stage["Properties"]["MethodSettings"]
    assert settings["DataTraceEnabled"] is False
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0
    assert stage["Properties"].get("CacheClusterEnabled") in (None, False)


def test_api_gateway_cloudwatch_role_is_set(synthesized: Synthesized) -> None:
    assert synthesized.of_type("AWS::ApiGateway::Account")


def test_waf_protects_the_stage_and_redacts_its_log(synthesized: Synthesized) -> None:
    [association] = synthesized.of_type("AWS::WAFv2::WebACLAssociation").values()
    [stage_id] = synthesized.of_type("AWS::ApiGateway::Stage")
    assert stage_id in json.dumps(association["Properties"]["ResourceArn"])
    [logging] = synthesized.of_type("AWS::WAFv2::LoggingConfiguration").values()
    redacted = logging["Properties"]["RedactedFields"]
    assert {"UriPath": {}} in redacted
    assert {"QueryString": {}} in redacted


def test_user_pool_is_admin_only_with_totp_mfa(synthesized: Synthesized) -> None:
    [pool] = synthesized.of_type("AWS::Cognito::UserPool").values()
    props = pool["Properties"]
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert props["MfaConfiguration"] == "ON"
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    policy = props["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 14
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert props["UserPoolTier"] == "PLUS"
    # Retained in production, removed with a dev stage: test_deploy_first.


def test_user_pool_groups_are_the_roles(synthesized: Synthesized) -> None:
    groups = synthesized.of_type("AWS::Cognito::UserPoolGroup").values()
    assert {g["Properties"]["GroupName"] for g in groups} == {role.value for role in Role}


def test_staff_client_has_no_secret(synthesized: Synthesized) -> None:
    [client] = synthesized.of_type("AWS::Cognito::UserPoolClient").values()
    assert client["Properties"]["GenerateSecret"] is False
    assert client["Properties"]["PreventUserExistenceErrors"] == "ENABLED"


def test_the_gateway_s_own_refusals_are_problem_json_too(synthesized: Synthesized) -> None:
    responses = [r["Properties"] for r in synthesized.of_type("AWS::ApiGateway::GatewayResponse").values()]
    assert {r["ResponseType"] for r in responses} == {"DEFAULT_4XX", "DEFAULT_5XX"}
    for response in responses:
        assert response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
        body = json.loads(response["ResponseTemplates"]["application/problem+json"])
        assert body["type"].startswith("https://") and body["detail"] == "$context.error.message"
