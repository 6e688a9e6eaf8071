"""The REST API, generated from ``routes.ROUTES``: never a hand-kept list of paths.

The API is built in three stacks, so that the API's own stack does not grow with the contexts:
- the API's stack (``Api``): the REST API, its authorizer, validator and the gateway's own
  refusals, and the resources of the paths that more than one context serves (``/admin``);
- each context's stack (``Api.serve``): its paths' resources, methods and preflights;
- the deployment's stack (``api_stage.ApiStage``): the deployment, the stage and its logs, after
  every context (a deployment takes the methods that exist when it is made).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from ahaki.http.problems import PROBLEM_JSON, TYPE_BASE
from ahaki.http.routes import ROUTES, AuthType, Function, Route
from infra.register_stack.auth import Auth
from infra.register_stack.nag import AWS_SOLUTIONS, acknowledge
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


def shared_paths(owners: Iterable[tuple[str, str]]) -> set[str]:
    """The paths (``/admin``) under which routes of more than one owner lie: their resources are
    the API's; below them, each path belongs to one owner, whose stack builds it. ``owners`` are
    ``(route path, owner)`` pairs; the root is always shared and not named here."""
    below: dict[str, set[str]] = {}
    for path, owner in owners:
        parts = path.strip("/").split("/")
        for end in range(1, len(parts) + 1):
            below.setdefault("/" + "/".join(parts[:end]), set()).add(owner)
    return {path for path, found in below.items() if len(found) > 1}


class Api(Construct):
    """The REST API and what every context's routes share, in the API's stack."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        auth: Auth,
        owners: Iterable[tuple[str, str]],
    ) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        # What the deployment's logical id is made of: a change to any of these must redeploy the
        # stage (the methods live in other stacks, so CDK's own fingerprint does not see them).
        self.fingerprint: list[object] = []
        self.rest_api = self._build_rest_api()
        self.authorizer = self._build_authorizer(auth)
        self.validator = self._build_validator()
        self._build_gateway_problems()
        self._shared = {
            path: self.rest_api.root.resource_for_path(path) for path in sorted(shared_paths(owners), key=len)
        }
        self.methods: dict[tuple[str, str], apigw.Method] = {}

    def serve(self, scope: Construct, routes: Sequence[Route], functions: dict[Function, lambda_.Function]) -> None:
        """Build ``routes`` in ``scope`` (a context's stack): their resources below the shared
        paths, their methods, one invoke permission per function and a preflight per staff path."""
        integrations = {
            function: self._integration(functions[function]) for function in dict.fromkeys(r.function for r in routes)
        }
        owned: dict[str, apigw.IResource] = {}
        for route in routes:
            resource = self._resource(scope, route.path, owned)
            self.methods[(route.method, route.path)] = self._build_method(resource, route, integrations[route.function])
            self.fingerprint.append(
                [route.method, route.path, route.auth.value, route.operation_id, functions[route.function].node.path]
            )
        if self._settings.staff_origins:
            for path in dict.fromkeys(route.path for route in routes if route.auth is AuthType.STAFF):
                methods = sorted({route.method for route in ROUTES if route.path == path} | {"OPTIONS"})
                self._build_preflight(self._resource(scope, path, owned), methods)
                self.fingerprint.append(["OPTIONS", path, methods, list(self._settings.staff_origins)])

    def _integration(self, function: lambda_.Function) -> apigw.Integration:
        """A proxy integration of ``function``, with one invoke permission for any method of the
        API (not one per method: those alone were a tenth of the stack's resources). The
        permission is the function's, in its stack: one in the API's stack would make the API's
        and the context's stacks need each other. (LambdaIntegration puts it in the API's.)"""
        function.add_permission(
            "ApiInvoke",
            principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
            source_arn=self.rest_api.arn_for_execute_api(stage=API_STAGE),  # the served stage only
        )
        path = f"2015-03-31/functions/{function.function_arn}/invocations"
        return apigw.AwsIntegration(service="lambda", proxy=True, path=path)

    def _resource(self, scope: Construct, path: str, owned: dict[str, apigw.IResource]) -> apigw.IResource:
        """The resource of ``path``: the API's where the path is shared, else built in ``scope``
        under the longest shared path above it (the root if none)."""
        if path in self._shared:
            return self._shared[path]
        parts = path.strip("/").split("/")
        above = max((end for end in range(len(parts)) if "/" + "/".join(parts[:end]) in self._shared), default=0)
        parent = self._shared["/" + "/".join(parts[:above])] if above else self.rest_api.root
        first = "/" + "/".join(parts[: above + 1])
        if first not in owned:
            owned[first] = apigw.Resource(scope, "-".join(parts[: above + 1]), parent=parent, path_part=parts[above])
        rest = "/".join(parts[above + 1 :])
        return owned[first].resource_for_path(rest) if rest else owned[first]

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
            deploy=False,  # the stage is built after every context's methods (api_stage.py)
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
            headers = {"Content-Type": f"'{PROBLEM_JSON}'", **self._cors_headers()}
            self.fingerprint.append([kind, body, headers])
            self.rest_api.add_gateway_response(
                kind,
                type=response_type,
                response_headers=headers,
                templates={PROBLEM_JSON: json.dumps(body), "application/json": json.dumps(body)},
            )

    def _cors_headers(self) -> dict[str, str]:
        """A browser can read the gateway's own refusals only with the origin header on them too;
        a gateway response has one static value: the stage's first (main) staff origin."""
        origins = self._settings.staff_origins
        return {"Access-Control-Allow-Origin": f"'{origins[0]}'", "Vary": "'Origin'"} if origins else {}

    def _build_preflight(self, resource: apigw.IResource, methods: list[str]) -> None:
        """The browser's CORS preflight on a staff route: answered by API Gateway itself (a mock
        integration), never reaching a function; the functions add the headers to their answers."""
        method = resource.add_cors_preflight(
            allow_origins=list(self._settings.staff_origins),
            allow_headers=list(CORS_ALLOW_HEADERS),
            allow_methods=methods,
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
        name, source = "staff-cognito", apigw.IdentitySource.header("Authorization")
        self.fingerprint.append(["authorizer", name, source, auth.user_pool.node.path])
        return apigw.CognitoUserPoolsAuthorizer(
            self, "StaffAuthorizer", cognito_user_pools=[auth.user_pool], authorizer_name=name, identity_source=source
        )

    def _build_validator(self) -> apigw.RequestValidator:
        self.fingerprint.append(["validator", "body", "parameters"])
        return self.rest_api.add_request_validator(
            "ValidateBodyAndParameters",
            validate_request_body=True,
            validate_request_parameters=True,
        )

    def _build_method(self, resource: apigw.IResource, route: Route, integration: apigw.Integration) -> apigw.Method:
        staff = route.auth is AuthType.STAFF
        method = resource.add_method(
            route.method,
            integration,
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
