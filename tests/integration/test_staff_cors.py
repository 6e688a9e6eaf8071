"""A staff browser on another origin can read the API's answers when the stage allows its origin."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest

from ahaki.http.resolver import make_resolver
from ahaki.http.routes import ROUTES, Role
from infra.sandbox.emulated_aws import EmulatedAws
from infra.sandbox.events import FakeLambdaContext, api_event, claims

ALLOWED = "https://staff.register.example.jp"


def _get_missing_registrant(origin: str) -> dict[str, Any]:
    [route] = [r for r in ROUTES if r.operation_id == "get_registrant"]
    handler = import_module(f"functions.{route.function.value}.handler")
    app = make_resolver(handler.router)  # built now: it reads the allowed origins at cold start
    event = api_event(
        route,
        {"qualification_pseudonym_id": "q-missing"},
        None,
        claims=claims("staff-1", [Role.REGISTRAR], "foundation"),
        headers={"Origin": origin},
    )
    return app.resolve(event, FakeLambdaContext())  # type: ignore[arg-type]


def _headers(result: dict[str, Any]) -> dict[str, str]:
    found = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
    return found | (result.get("headers") or {})


def test_an_allowed_origin_gets_the_cors_headers(aws: EmulatedAws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_ALLOWED_ORIGINS", f"{ALLOWED},http://localhost:5173")
    headers = _headers(_get_missing_registrant(ALLOWED))
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "ETag" in headers["Access-Control-Expose-Headers"]


def test_another_origin_gets_none(aws: EmulatedAws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_ALLOWED_ORIGINS", ALLOWED)
    assert "Access-Control-Allow-Origin" not in _headers(_get_missing_registrant("https://evil.example"))


def test_no_configured_origin_means_no_cors_headers(aws: EmulatedAws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STAFF_ALLOWED_ORIGINS", raising=False)
    assert "Access-Control-Allow-Origin" not in _headers(_get_missing_registrant(ALLOWED))
