"""Bad input gets a 4xx problem+json naming the field, never a 500, never a half-written record."""

from __future__ import annotations

from typing import Any

import pytest

from tests.data import registration
from tests.integration.conftest import Api


def _without(key: str) -> dict[str, Any]:
    body = registration()
    del body[key]
    return body


CASES: list[tuple[str, Any, int, str]] = [
    ("unknown field", registration(favourite_colour="blue"), 422, "body"),  # its object, not the key
    ("missing field", _without("birth_date"), 422, "body.birth_date"),
    ("half-width kana", registration(name_kana={"family": "ﾀﾅｶ", "given": "ユイ"}), 422, "body.name_kana.family"),
    ("hiragana", registration(name_kana={"family": "たなか", "given": "ユイ"}), 422, "body.name_kana.family"),
    ("My Number check digit", registration(my_number="123456789019"), 422, "body.my_number"),
    ("My Number length", registration(my_number="12345678901"), 422, "body.my_number"),
    ("My Number as a number", registration(my_number=123456789018), 422, "body.my_number"),
    ("future birth date", registration(birth_date="2999-01-01"), 422, "body.birth_date"),
    ("not an ISO date", registration(birth_date="1988/07/14"), 422, "body.birth_date"),
    ("impossible date", registration(birth_date="1988-02-30"), 422, "body.birth_date"),
    ("exam month", registration(exam_passed_in="2012-13"), 422, "body.exam_passed_in"),
    ("prefecture 48", registration(origin={"honseki_prefecture": "48"}), 422, "body.origin.honseki_prefecture"),
    ("both origins", registration(origin={"honseki_prefecture": "13", "nationality": "KR"}), 422, "body.origin"),
    ("no origin", registration(origin={}), 422, "body.origin"),
    ("unknown country", registration(origin={"nationality": "XX"}), 422, "body.origin.nationality"),
    (
        "municipality check digit",
        registration(address={"municipality_code": "131017", "line": "丸の内一丁目"}),
        422,
        "body.address.municipality_code",
    ),
    ("unknown sex", registration(sex="other"), 422, "body.sex"),
    ("unknown qualification", registration(qualification="judo_therapy"), 422, "body.qualification"),
    ("control character", registration(minister_name="大臣\x00"), 422, "body.minister_name"),
    ("body is a list", [1, 2], 422, "body"),
]


@pytest.mark.parametrize(("case", "body", "status", "field"), CASES, ids=[c[0] for c in CASES])
def test_register_refuses_bad_input_naming_the_field(api: Api, case: str, body: Any, status: int, field: str) -> None:
    reply = api.call("register", body=body)
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in reply.body["errors"]}, reply.body
    assert field in reply.body["detail"]
    if isinstance(body, dict):
        for value in (body.get("my_number"), (body.get("name_kana") or {}).get("family")):
            assert str(value) not in str(reply.body)
    assert api.items("RegisterTable") == [] and api.items("VaultTable") == [] and api.items("OutboxTable") == []


def test_malformed_json_is_400(api: Api) -> None:
    reply = api.call("register", raw_body='{"name": ')
    assert reply.status == 400 and reply.body["type"].endswith("malformed-json")
    assert api.items("RegisterTable") == []


@pytest.mark.parametrize(
    ("operation", "body", "field"),
    [
        ("correct", {"reason": "no change given"}, "body"),
        ("correct", {"name": {"family": "山田"}, "reason": "x"}, "body.name.given"),
        ("dispose", {"kind": "practice_suspension", "reason": "no period"}, "body"),
        ("dispose", {"kind": "revocation", "period_from": "2026-01-01", "reason": "x"}, "body"),
        ("dispose", {"kind": "exile", "reason": "x"}, "body.kind"),
        ("reissue_certificate", {"reason": "eaten"}, "body.reason"),
        ("erase", {"reason": "boredom"}, "body.reason"),
        ("rewrite_certificate", {}, "body.reason"),
        ("relicense", {"reason": "x", "relicensed_on": "2999-01-01"}, "body.relicensed_on"),
    ],
)
def test_changes_refuse_bad_input_and_change_nothing(api: Api, operation: str, body: Any, field: str) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    before = api.items("RegisterTable")
    reply = api.call(operation, qid, body, headers={"If-Match": '"1"'})
    assert reply.status == 422, reply.body
    assert field in {e["field"] for e in reply.body["errors"]}
    assert api.items("RegisterTable") == before


def test_search_refuses_personal_data_in_bad_shapes(api: Api) -> None:
    assert api.call("search_registrants", body={"name_kana": {"family": "ヤマダ", "given": "タロウ"}}).status == 422
    assert api.call("search_registrants", body={"status": "registered", "limit": 1000}).status == 422
    assert api.call("search_registrants", body={}).status == 422


def test_a_method_outside_the_route_table_is_refused(api: Api) -> None:
    from ahaki.http.routes import Function, Role, Route
    from functions.registry_api import handler
    from infra.sandbox.events import FakeLambdaContext, api_event, claims

    ghost = Route("DELETE", "/admin/registrants", Function.REGISTRY_API, frozenset({Role.REGISTRAR}), "ghost")
    result = handler.lambda_handler(api_event(ghost, claims=claims("s", ["registrar"])), FakeLambdaContext())  # type: ignore[arg-type]
    # Authorization runs first and finds no route in the table: refused (and audited), never served.
    assert result["statusCode"] == 403
    assert result["multiValueHeaders"]["Content-Type"] == ["application/problem+json"]
