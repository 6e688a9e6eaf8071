"""A staff browser on another origin can read the API's answers when the stage allows its origin."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from ahaki.http.routes import ROUTES, Role
from ahaki.kernel.components import reset
from infra.sandbox.emulated_aws import EmulatedAws
from infra.sandbox.events import FakeLambdaContext, api_event, claims

ALLOWED = "https://staff.register.example.jp"
[ROUTE] = [r for r in ROUTES if r.operation_id == "get_registrant"]


@pytest.fixture
def fresh_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The handler as a new execution environment builds it (the resolver reads the allowed
    origins at cold start); the module is rebuilt afterwards so no other test sees this one."""
    module = importlib.import_module(f"functions.{ROUTE.function.value}.handler")

    def cold_start(origins: str | None) -> ModuleType:
        if origins is None:
            monkeypatch.delenv("STAFF_ALLOWED_ORIGINS", raising=False)
        else:
            monkeypatch.setenv("STAFF_ALLOWED_ORIGINS", origins)
        reset()  # settings are read once per execution environment: this one is new
        return importlib.reload(module)

    yield cold_start
    monkeypatch.undo()
    reset()
    importlib.reload(module)


def _get_missing_registrant(handler: ModuleType, origin: str) -> dict[str, str]:
    event = api_event(
        ROUTE,
        {"qualification_pseudonym_id": "q-missing"},
        None,
        claims=claims("staff-1", [Role.REGISTRAR], "foundation"),
        headers={"Origin": origin},
    )
    result: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())
    found = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
    return found | (result.get("headers") or {})


def test_an_allowed_origin_gets_the_cors_headers(aws: EmulatedAws, fresh_handler: Any) -> None:
    headers = _get_missing_registrant(fresh_handler(f"{ALLOWED},http://localhost:5173"), ALLOWED)
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "ETag" in headers["Access-Control-Expose-Headers"]


def test_another_origin_gets_none(aws: EmulatedAws, fresh_handler: Any) -> None:
    headers = _get_missing_registrant(fresh_handler(ALLOWED), "https://evil.example")
    assert "Access-Control-Allow-Origin" not in headers


def test_no_configured_origin_means_no_cors_headers(aws: EmulatedAws, fresh_handler: Any) -> None:
    assert "Access-Control-Allow-Origin" not in _get_missing_registrant(fresh_handler(None), ALLOWED)
