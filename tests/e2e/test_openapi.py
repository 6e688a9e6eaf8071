"""docs/openapi.json is generated from the handlers and kept current."""

from __future__ import annotations

from pathlib import Path

import pytest

from ahaki.http.routes import ROUTES
from infra.openapi import SECURITY_SCHEME, main, openapi_document

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("sandbox")]
COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_document_is_current() -> None:
    assert main(["--check", str(COMMITTED)]) == 0, "run `make openapi`"


def test_check_fails_on_drift(tmp_path: Path) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text('{"openapi": "3.1.0"}\n')
    assert main(["--check", str(stale)]) == 1
    assert main(["--write", str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0


def test_document_describes_every_route_with_roles_and_bearer_auth() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"][SECURITY_SCHEME]["scheme"] == "bearer"
    assert document["security"] == [{SECURITY_SCHEME: []}]
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        assert operation["operationId"] == route.operation_id
        assert operation["x-ahaki-roles"] == sorted(r.value for r in route.roles)
        assert "application/problem+json" in operation["responses"]["403"]["content"]
    assert "201" in document["paths"]["/admin/registrants"]["post"]["responses"]


def test_generating_leaves_the_functions_routers_bound_to_their_own_resolvers() -> None:
    from functions.my_number_reveal import handler as reveal
    from functions.registry_api import handler as registry

    openapi_document()
    assert registry.router.api_resolver is registry.app
    assert reveal.router.api_resolver is reveal.app
