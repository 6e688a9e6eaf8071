"""Hostile requests at every route with a body: a 4xx problem+json, never a 5xx, never an echo."""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any

import pytest

from ahaki.http.routes import ROUTES, Route
from tests.data import my_number, registration
from tests.integration.conftest import Api, Reply

PROBLEM_JSON = "application/problem+json"


@cache
def _body_operations() -> frozenset[str]:
    from infra.openapi import openapi_document

    document = openapi_document()
    return frozenset(
        op["operationId"] for path in document["paths"].values() for op in path.values() if "requestBody" in op
    )


def _body_routes() -> list[Route]:
    return [r for r in ROUTES if r.operation_id in _body_operations()]


def _send(api: Api, route: Route, raw_body: str | None, headers: dict[str, str]) -> Reply:
    """The route called by a caller allowed to call it (a staff role, or the portal with a pseudonym)."""
    qid = str(uuid.uuid4()) if "{" in route.path else None
    extra = {"Idempotency-Key": f"hostile-{uuid.uuid4()}"}
    if route.roles:
        return api.call(
            route.operation_id, qid, role=sorted(route.roles)[0], raw_body=raw_body, headers={**extra, **headers}
        )
    return api.call(route.operation_id, qid, portal="pp-hostile-0001", raw_body=raw_body, headers={**extra, **headers})


def _assert_problem(reply: Reply, status: int) -> None:
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"] == PROBLEM_JSON
    assert reply.body["status"] == status


def test_every_route_with_a_body_is_known() -> None:
    assert len(_body_routes()) >= 20  # the probe found 22: a change of the route table shows here


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("text/plain", '{"reason": "x"}'),
        ("application/xml", "<reason>x</reason>"),
        ("application/x-www-form-urlencoded", "reason=x"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("application/json; charset=shift_jis", '{"reason": "x"}'),
        ("application/jsonx", '{"reason": "x"}'),
    ],
)
def test_a_body_that_is_not_json_is_415_on_every_route(api: Api, content_type: str, raw: str) -> None:
    for route in _body_routes():
        reply = _send(api, route, raw, {"Content-Type": content_type})
        _assert_problem(reply, 415)
        assert reply.body["type"].endswith("unsupported-media-type"), route.operation_id


def test_json_as_form_urlencoded_echoes_nothing(api: Api) -> None:
    body = registration()
    reply = api.call(
        "register",
        raw_body=json.dumps(body, ensure_ascii=False),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_problem(reply, 415)
    assert body["my_number"] not in json.dumps(reply.body, ensure_ascii=False)
    assert body["name"]["family"] not in json.dumps(reply.body, ensure_ascii=False)


def test_json_charset_utf8_is_accepted(api: Api) -> None:
    reply = api.call(
        "register",
        raw_body=json.dumps(registration(), ensure_ascii=False),
        headers={"Content-Type": "application/json; charset=UTF-8"},
    )
    assert reply.status == 201, reply.body


DEEP = '{"reason":' + '{"a":' * 1000 + "1" + "}" * 1001
MALFORMED = {
    "nested 1,000 deep": DEEP,
    "arrays nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "integer beyond the digit limit": '{"limit": ' + "9" * 5000 + "}",
    "NaN": '{"limit": NaN}',
    "Infinity": '{"limit": Infinity}',
    "float overflow": '{"limit": 1e999}',
    "duplicate key": '{"reason": "a", "reason": "b"}',
    "lone surrogate": '{"reason": "\\ud800"}',
    "lone surrogate in a key": '{"\\udfff": "x"}',
    "not JSON at all": "{'reason': 'x'}",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_json_is_400_on_every_route(api: Api, raw: str) -> None:
    for route in _body_routes():
        reply = _send(api, route, raw, {})
        _assert_problem(reply, 400)
        assert reply.body["type"].endswith("malformed-json"), (route.operation_id, reply.body)


@pytest.mark.parametrize("value", ['"²"', '"١"', '"３"', '"1e3"', '"-1"', '"' + "9" * 5000 + '"', '""', '"1" "2"'])
def test_a_malformed_if_match_is_400(api: Api, value: str) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    reply = api.call("correct", qid, {"sex": "male", "reason": "誤記"}, headers={"If-Match": value})
    _assert_problem(reply, 400)
    assert reply.body["field"] == "If-Match"


def _texts(reply: Reply) -> str:
    return json.dumps(reply.body, ensure_ascii=False)


def test_unknown_keys_are_not_echoed(api: Api) -> None:
    number = my_number()
    reply = api.call("register", body=registration(**{f"秘密{number}": "x", "山田花子": 1}))
    _assert_problem(reply, 422)
    assert number not in _texts(reply) and "山田花子" not in _texts(reply)
    assert "body" in {e["field"] for e in reply.body["errors"]}


def test_an_unknown_kind_is_not_echoed_and_no_enum_repr(api: Api) -> None:
    application: dict[str, Any] = {"kind": "山田花子の申請", "reason": "x"}
    reply = api.call(
        "submit_application",
        body={"application": application},
        portal="pp-hostile-0002",
        headers={"Idempotency-Key": f"hostile-{uuid.uuid4()}"},
    )
    _assert_problem(reply, 422)
    assert "山田花子" not in _texts(reply)
    assert "<" not in _texts(reply)  # no <ApplicationKind.X: 'x'>


def test_messages_never_hold_the_submitted_value(api: Api) -> None:
    number = my_number()
    bad = [
        registration(sex=number),
        registration(qualification=f"q{number}"),
        registration(birth_date=f"{number}"),
        registration(origin={"nationality": number}),
    ]
    for body in bad:
        reply = api.call("register", body=body)
        _assert_problem(reply, 422)
        assert number not in _texts(reply), reply.body


def test_the_same_json_reformatted_replays_under_its_idempotency_key(api: Api) -> None:
    from tests.intake_data import new_registration, pseudonym

    who, key = pseudonym(), {"Idempotency-Key": f"reformat-{uuid.uuid4()}"}
    body = {"application": new_registration()}
    compact = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    spaced = json.dumps(dict(reversed(body["application"].items())), ensure_ascii=True, indent=2)
    first = api.call("submit_application", raw_body=compact, portal=who, headers=key)
    again = api.call("submit_application", raw_body='{"application": ' + spaced + "}", portal=who, headers=key)
    assert first.status == again.status == 201, again.body
    assert first.body == again.body
    changed = {
        "application": {**body["application"], "sex": "male" if body["application"]["sex"] == "female" else "female"}
    }
    other = api.call("submit_application", body=changed, portal=who, headers=key)
    assert other.status == 422 and other.body["type"].endswith("idempotency-key-reused")


HOSTILE_IDS = {
    "3,000 characters": "a" * 3000,
    "a My Number": "123456789018",  # an id never looks like this; a path must not carry it into the audit trail
    "bidi override": "abc\u202edef",
    "NUL": "abc\x00def",
    "full-width": "ａｂｃ",
}


@pytest.mark.parametrize("value", HOSTILE_IDS.values(), ids=HOSTILE_IDS.keys())
def test_a_path_id_that_cannot_be_an_id_is_404_and_stored_nowhere(api: Api, value: str) -> None:
    for route in [r for r in ROUTES if "{" in r.path]:
        qid_reply = _send_with_id(api, route, value)
        _assert_problem(qid_reply, 404)
    assert value not in json.dumps(api.items("AuditTable"), ensure_ascii=False)


def _send_with_id(api: Api, route: Route, value: str) -> Reply:
    body = None if route.method == "GET" else "{}"
    if route.roles:
        return api.call(route.operation_id, value, role=sorted(route.roles)[0], raw_body=body)
    return api.call(route.operation_id, value, portal="pp-hostile-0003", raw_body=body)


def test_unknown_attachment_types_are_refused_without_echo(api: Api) -> None:
    number = my_number()
    reply = api.call(
        "request_more_information",
        str(uuid.uuid4()),
        {"reason": "追加の書類", "attachments": [f"山田花子{number}"]},
        role="approver",
    )
    _assert_problem(reply, 422)
    assert number not in _texts(reply) and "山田花子" not in _texts(reply)
    upload = {"type": f"秘密{number}", "content_type": f"text/{number}", "size": 1}
    reply = api.call("request_upload", str(uuid.uuid4()), upload, portal="pp-hostile-0004")
    _assert_problem(reply, 422)
    assert number not in _texts(reply)
