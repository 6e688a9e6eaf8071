"""The API across stacks: the REST API and the shared paths in its stack, each context's routes
in the context's stack, and a deployment whose logical id follows every route (a deployment is a
snapshot: with the same id after a route changed, the stage would go on serving the old ones)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from aws_cdk import App
from hypothesis import given
from hypothesis import strategies as st

from ahaki.http.routes import ROUTES, Route
from infra.register_stack import api, stack
from infra.register_stack.api import API_STAGE, shared_paths
from infra.register_stack.contexts import CONTEXT_OF, Context
from infra.register_stack.settings import Settings
from infra.register_stack.stack import RegisterStack
from tests.infra.conftest import _context
from tests.infra.template_tools import Synthesized, flattened, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

_SEGMENT = st.sampled_from(["admin", "portal", "a", "b", "{id}", "x-y"])
_ROUTES = st.lists(
    st.tuples(
        st.lists(_SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)), st.sampled_from("pqr")
    ),
    min_size=1,
    max_size=12,
)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


@given(_ROUTES)
def test_below_the_shared_paths_every_path_has_one_owner(owned: list[tuple[str, str]]) -> None:
    shared = shared_paths(owned)
    for prefix in shared:
        assert len({owner for path, owner in owned if _under(path, prefix)}) > 1, prefix
    for path, _ in owned:
        parts = path.strip("/").split("/")
        above = max((end for end in range(1, len(parts)) if "/" + "/".join(parts[:end]) in shared), default=0)
        first_owned = "/" + "/".join(parts[: above + 1])
        if first_owned not in shared:
            assert len({owner for p, owner in owned if _under(p, first_owned)}) == 1, first_owned


def _home(outdir: Path, logical_id: str) -> str:
    [home] = [p.name for p in outdir.glob("*.template.json") if logical_id in json.loads(p.read_text())["Resources"]]
    return home


def test_each_method_lives_in_its_context_s_stack_and_the_api_s_stack_holds_only_shared_paths(
    synthesized: Synthesized,
) -> None:
    resources = synthesized.of_type("AWS::ApiGateway::Resource")
    api_stack = [p.name for p in synthesized.outdir.glob("*ApiStack*.nested.template.json")]
    in_api = {k for k in resources if _home(synthesized.outdir, k) in api_stack}
    parts = {k: resources[k]["Properties"]["PathPart"] for k in in_api}
    assert sorted(parts.values()) == ["admin", "portal"]
    context_of_function = {
        fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]: fn_id
        for fn_id, fn in synthesized.of_type("AWS::Lambda::Function").items()
    }
    for method_id, method in synthesized.of_type("AWS::ApiGateway::Method").items():
        uri = json.dumps(method["Properties"].get("Integration", {}).get("Uri", ""))
        served = [name for name, fn_id in context_of_function.items() if f'"{fn_id}"' in uri]
        home = _home(synthesized.outdir, method_id)
        if served:  # a preflight (OPTIONS) is a mock: it sits with its path's resource
            [function] = served
            [context] = {CONTEXT_OF[route.function] for route in ROUTES if route.function.value == function}
            assert context.stack_id in home, (method_id, home)
        assert _home(synthesized.outdir, ref_id(method["Properties"]["ResourceId"])) in (home, *api_stack)


def test_every_function_behind_the_api_may_be_invoked_by_it_from_its_own_stack(synthesized: Synthesized) -> None:
    permissions = synthesized.of_type("AWS::Lambda::Permission")
    [rest_api] = synthesized.of_type("AWS::ApiGateway::RestApi")
    for function in {route.function for route in ROUTES}:
        fn_id = next(
            k
            for k, fn in synthesized.of_type("AWS::Lambda::Function").items()
            if fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == function.value
        )
        [permission_id] = [
            k
            for k, p in permissions.items()
            if ref_id(p["Properties"]["FunctionName"]) == fn_id
            and p["Properties"]["Principal"] == "apigateway.amazonaws.com"
        ]
        source = permissions[permission_id]["Properties"]["SourceArn"]
        assert rest_api in json.dumps(source)
        assert json.dumps(source).endswith(f'"/{API_STAGE}/*/*"]]}}'), source  # not a console test stage
        assert CONTEXT_OF[function].stack_id in _home(synthesized.outdir, permission_id)


def _deployment_id(routes: tuple[Route, ...], monkeypatch: pytest.MonkeyPatch, outdir: Path) -> str:
    """The deployment's logical id of a synthesis of the app serving ``routes`` (no cdk-nag: the
    template is what is compared)."""
    monkeypatch.setattr(stack, "ROUTES", routes)
    monkeypatch.setattr(api, "ROUTES", routes)
    app = App(context=_context(), outdir=str(outdir))
    settings = Settings.from_context(app.node)
    RegisterStack(app, settings.stack_id, settings=settings)
    template = flattened(app.synth().get_stack_artifact(settings.stack_id).template, outdir)
    [deployment] = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::ApiGateway::Deployment"]
    return str(deployment)


def test_the_deployment_is_made_anew_whenever_a_route_changes(
    synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    [today] = synthesized.of_type("AWS::ApiGateway::Deployment")
    assert _deployment_id(ROUTES, monkeypatch, tmp_path / "same") == today
    renamed = tuple(
        dataclasses.replace(r, operation_id=r.operation_id + "X") if i == 0 else r for i, r in enumerate(ROUTES)
    )
    assert _deployment_id(renamed, monkeypatch, tmp_path / "renamed") != today
    served_by_another = next(r for r in ROUTES if CONTEXT_OF[r.function] is Context.INTAKE)
    moved = next(
        r.function
        for r in ROUTES
        if CONTEXT_OF[r.function] is Context.INTAKE and r.function != served_by_another.function
    )
    other = tuple(dataclasses.replace(r, function=moved) if r == served_by_another else r for r in ROUTES)
    assert _deployment_id(other, monkeypatch, tmp_path / "other") != today
    assert _deployment_id(ROUTES[:-1], monkeypatch, tmp_path / "fewer") != today
