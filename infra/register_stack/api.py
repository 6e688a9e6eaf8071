"""The staff REST API, generated from ``routes.ROUTES``: never a hand-kept list of paths."""

from __future__ import annotations

import json
import re

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from constructs import Construct

from ahaki.http.problems import PROBLEM_JSON, TYPE_BASE
from ahaki.http.routes import ROUTES, AuthType, Function, Route
from infra.register_stack.auth import Auth
from infra.register_stack.functions import Functions
from infra.register_stack.keys import Keys
from infra.register_stack.nag import AWS_SOLUTIONS, NIST, acknowledge
from infra.register_stack.settings import Settings

API_STAGE = "v1"
# What a staff browser sends beyond the simple headers (same list as ahaki.http.resolver's).
CORS_ALLOW_HEADERS = ("Authorization", "Content-Type", "If-Match", "Idempotency-Key")
_PATH_PARAMETER = re.compile(r"\{(\w+)\}")

# The access log names the *route template* ($context.resourcePath), never the concrete path,
# query string, body or headers: a qualification pseudonym id in a URL would already link a log
# line to a registrant. The caller is the Cognito ``sub`` (an opaque id), not a name or e-mail.
ACCESS_LOG_FIELDS: dict[str, str] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTimeEpoch",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "errorType": "$context.error.responseType",
    "sourceIp": "$context.identity.sourceIp",
    "callerSub": "$context.authorizer.claims.sub",
    "wafStatus": "$context.waf.status",
}


def path_parameters(path: str) -> list[str]:
    return _PATH_PARAMETER.findall(path)


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        keys: Keys,
        functions: Functions,
        auth: Auth,
    ) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self.access_logs = self._build_access_logs(keys)
        self.rest_api = self._build_rest_api()
        self.execution_logs = self._build_execution_logs(keys)
        self.authorizer = self._build_authorizer(auth)
        self.validator = self._build_validator()
        self._build_gateway_problems()
        # One invoke permission per function (for any method of this stage), not one per method:
        # the per-method permissions alone were a tenth of the stack's resources.
        self._integrations = {
            function: apigw.LambdaIntegration(fn, proxy=True, scope_permission_to_method=False)
            for function, fn in functions.functions.items()
        }
        self.methods: dict[tuple[str, str], apigw.Method] = {
            (route.method, route.path): self._build_method(route) for route in ROUTES
        }
        if settings.staff_origins:
            for path in dict.fromkeys(route.path for route in ROUTES if route.auth is AuthType.STAFF):
                self._build_preflight(path)

    def _build_access_logs(self, keys: Keys) -> logs.LogGroup:
        return logs.LogGroup(
            self,
            "AccessLogs",
            retention=self._settings.log_retention,
            encryption_key=keys.logs_key,
            removal_policy=self._settings.removal_policy,
        )

    def _build_execution_logs(self, keys: Keys) -> logs.LogGroup:
        """API Gateway's own (ERROR level) log group, made here before the stage so that it has a
        retention and our key; API Gateway would otherwise create it unencrypted, kept for ever."""
        group = logs.LogGroup(
            self,
            "ExecutionLogs",
            log_group_name=f"API-Gateway-Execution-Logs_{self.rest_api.rest_api_id}/{API_STAGE}",
            retention=self._settings.log_retention,
            encryption_key=keys.logs_key,
            removal_policy=self._settings.removal_policy,
        )
        self.rest_api.deployment_stage.node.add_dependency(group)
        return group

    def _build_rest_api(self) -> apigw.RestApi:
        api = apigw.RestApi(
            self,
            "StaffApi",
            rest_api_name=f"ahaki-register-{self._settings.stage}",
            description="ahaki register: staff API (Cognito)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=self._settings.manage_api_gateway_account,
            # Account-wide: other stages of the account log through it too, so it outlives this one.
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN if self._settings.manage_api_gateway_account else None,
            deploy_options=apigw.StageOptions(
                stage_name=API_STAGE,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
                # Execution logs at ERROR level, without request/response data (data_trace):
                # bodies carry personal data and must never reach CloudWatch.
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=True,
                throttling_rate_limit=self._settings.api_throttle_rate,
                throttling_burst_limit=self._settings.api_throttle_burst,
                caching_enabled=False,
            ),
        )
        stage = api.deployment_stage
        acknowledge(
            stage,
            "Responses are personal data of registrants and must not be kept anywhere outside the "
            "encrypted tables; every read must also reach the function so it is written to the audit "
            "trail. API Gateway caching is deliberately off.",
            f"{NIST}-APIGWCacheEnabledAndEncrypted",
        )
        acknowledge(
            stage,
            "The only backends are Lambda proxy integrations called by API Gateway over AWS's internal "
            "HTTPS path; a client certificate authenticates HTTP backends, and there are none.",
            f"{NIST}-APIGWSSLEnabled",
        )
        if self._settings.manage_api_gateway_account:
            role = api.node.find_child("CloudWatchRole")
            acknowledge(
                role,
                "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy for the account-wide "
                "API Gateway logging role (AWS::ApiGateway::Account); it grants log writing only and "
                "follows API Gateway's needs as AWS changes them.",
                f"{AWS_SOLUTIONS}-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs]",
            )
        return api

    def _build_gateway_problems(self) -> None:
        """API Gateway's own refusals (no or bad token, IAM denial, throttling, a body the model
        refuses, its own faults) as problem+json too, like every answer of the functions. The
        template names no value of the request: ``$context.error.message`` is the gateway's text."""
        for response_type, kind in (
            (apigw.ResponseType.DEFAULT_4_XX, "gateway-refused"),
            (apigw.ResponseType.DEFAULT_5_XX, "gateway-failed"),
        ):
            body = {
                "type": TYPE_BASE + kind,
                "title": "$context.error.responseType",
                "detail": "$context.error.message",
                "request_id": "$context.requestId",
            }
            self.rest_api.add_gateway_response(
                kind,
                type=response_type,
                response_headers={"Content-Type": f"'{PROBLEM_JSON}'", **self._cors_headers()},
                templates={PROBLEM_JSON: json.dumps(body), "application/json": json.dumps(body)},
            )

    def _cors_headers(self) -> dict[str, str]:
        """A browser can read the gateway's own refusals only with the origin header on them too;
        a gateway response has one static value: the stage's first (main) staff origin."""
        origins = self._settings.staff_origins
        return {"Access-Control-Allow-Origin": f"'{origins[0]}'", "Vary": "'Origin'"} if origins else {}

    def _build_preflight(self, path: str) -> None:
        """The browser's CORS preflight on a staff route: answered by API Gateway itself (a mock
        integration), never reaching a function; the functions add the headers to their answers."""
        method = self.rest_api.root.resource_for_path(path).add_cors_preflight(
            allow_origins=list(self._settings.staff_origins),
            allow_headers=list(CORS_ALLOW_HEADERS),
            allow_methods=sorted({route.method for route in ROUTES if route.path == path} | {"OPTIONS"}),
            max_age=Duration.hours(1),
        )
        acknowledge(
            method,
            "A CORS preflight (OPTIONS) carries no credentials by the browser's rules and is answered by a "
            "mock integration with the allowed origins and headers; it reaches no function and no data.",
            f"{AWS_SOLUTIONS}-APIG4",
            f"{AWS_SOLUTIONS}-COG4",
        )

    def _build_authorizer(self, auth: Auth) -> apigw.CognitoUserPoolsAuthorizer:
        return apigw.CognitoUserPoolsAuthorizer(
            self,
            "StaffAuthorizer",
            cognito_user_pools=[auth.user_pool],
            authorizer_name="staff-cognito",
            identity_source=apigw.IdentitySource.header("Authorization"),
        )

    def _build_validator(self) -> apigw.RequestValidator:
        return self.rest_api.add_request_validator(
            "ValidateBodyAndParameters",
            validate_request_body=True,
            validate_request_parameters=True,
        )

    def _build_method(self, route: Route) -> apigw.Method:
        resource = self.rest_api.root.resource_for_path(route.path)
        staff = route.auth is AuthType.STAFF
        method = resource.add_method(
            route.method,
            self._integration(route.function),
            # Staff sign in through Cognito; the portal integration signs its requests (IAM).
            authorizer=self.authorizer if staff else None,
            authorization_type=apigw.AuthorizationType.COGNITO if staff else apigw.AuthorizationType.IAM,
            request_validator=self.validator,
            operation_name=route.operation_id,
            request_parameters={f"method.request.path.{name}": True for name in path_parameters(route.path)},
        )
        if not staff:
            acknowledge(
                method,
                "A portal route: the caller is the portal integration's IAM role (SigV4, AuthorizationType "
                "IAM), not a staff member; a Cognito user-pool authorizer does not apply to it.",
                f"{AWS_SOLUTIONS}-COG4",
            )
        return method

    def _integration(self, function: Function) -> apigw.Integration:
        return self._integrations[function]
