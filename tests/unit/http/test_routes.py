"""The route table is the one truth: handlers serve exactly its routes."""

from __future__ import annotations

from importlib import import_module

from ahaki.http.routes import ROUTES, WORKERS, Function, find_route, powertools_path, routes_of


def test_find_route_prefers_literal_segments() -> None:
    found = find_route("POST", "/admin/registrants/search")
    assert found is not None and found[0].operation_id == "search_registrants"
    found = find_route("GET", "/admin/registrants/abc-123/history")
    assert (
        found is not None
        and found[0].operation_id == "get_history"
        and found[1] == {"qualification_pseudonym_id": "abc-123"}
    )
    assert find_route("DELETE", "/admin/registrants/abc") is None
    assert find_route("GET", "/admin/registrants/a/b/c") is None


def test_each_handler_serves_exactly_its_routes() -> None:
    for function in set(Function) - WORKERS:
        app = import_module(f"functions.{function.value}.handler").app
        spec = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
        served = {
            (method.upper(), path, operation["operationId"])
            for path, item in spec["paths"].items()
            for method, operation in item.items()
        }
        assert served == {(r.method, r.path, r.operation_id) for r in routes_of(function)}
    assert len({(r.method, r.path) for r in ROUTES}) == len(ROUTES)
    assert powertools_path("/a/{b}/c") == "/a/<b>/c"
