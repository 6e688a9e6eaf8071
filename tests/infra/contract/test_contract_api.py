"""Contract: every route of the route table is an API method served by its function, with the
authorizer its callers need (Cognito for staff, AWS_IAM for the portal), and nothing else is."""

from __future__ import annotations

import pytest

from ahaki.http.routes import ROUTES, AuthType, Route
from tests.infra.contract.assembly import Assembly, Resource

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _path(assembly: Assembly, resource: Resource) -> str:
    parent = assembly.ref(resource.stack, resource.properties["ParentId"], "AWS::ApiGateway::Resource")
    prefix = "" if parent is None else _path(assembly, parent)  # None: the API's root resource
    return f"{prefix}/{resource.properties['PathPart']}"


def methods(assembly: Assembly) -> dict[tuple[str, str], Resource]:
    found: dict[tuple[str, str], Resource] = {}
    for method in assembly.of_type("AWS::ApiGateway::Method"):
        if method.properties["HttpMethod"] == "OPTIONS":  # a CORS preflight, not a route
            continue
        resource = assembly.ref(method.stack, method.properties["ResourceId"], "AWS::ApiGateway::Resource")
        path = "/" if resource is None else _path(assembly, resource)
        found[(method.properties["HttpMethod"], path)] = method
    return found


def route_problems(assembly: Assembly, route: Route) -> list[str]:
    method = methods(assembly).get((route.method, route.path))
    if method is None:
        return ["no API method"]
    props = method.properties
    problems = []
    function = assembly.ref(method.stack, props.get("Integration", {}).get("Uri"), "AWS::Lambda::Function")
    if function is None or assembly.environment(function).get("POWERTOOLS_SERVICE_NAME") != route.function.value:
        problems.append(f"not served by {route.function.value}")
    if route.auth is AuthType.PORTAL:
        if props.get("AuthorizationType") != "AWS_IAM":
            problems.append("portal route without AWS_IAM")
    else:
        authorizer = assembly.ref(method.stack, props.get("AuthorizerId"), "AWS::ApiGateway::Authorizer")
        pool = (
            None
            if authorizer is None
            else assembly.ref(authorizer.stack, authorizer.properties.get("ProviderARNs"), "AWS::Cognito::UserPool")
        )
        if props.get("AuthorizationType") != "COGNITO_USER_POOLS" or pool is None:
            problems.append("staff route without the Cognito user pool authorizer")
    if props.get("Integration", {}).get("Type") != "AWS_PROXY":
        problems.append("not a proxy integration")
    return problems


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_route_is_a_method_of_its_function_with_its_authorizer(assembly: Assembly, route: Route) -> None:
    assert route_problems(assembly, route) == []


def test_the_api_has_no_method_outside_the_route_table(assembly: Assembly) -> None:
    assert set(methods(assembly)) == {(r.method, r.path) for r in ROUTES}


def test_a_staff_route_opened_to_iam_is_reported(assembly: Assembly) -> None:
    route = next(r for r in ROUTES if r.auth is AuthType.STAFF)
    props = methods(assembly)[(route.method, route.path)].properties
    saved = props["AuthorizationType"]
    props["AuthorizationType"] = "AWS_IAM"
    try:
        assert route_problems(assembly, route) == ["staff route without the Cognito user pool authorizer"]
    finally:
        props["AuthorizationType"] = saved
