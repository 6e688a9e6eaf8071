"""The sandbox over HTTP: authorizer, routing, the real handlers, problems, tenants and logs."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from stdnum.jp import in_ as my_number_rule

from ahaki.http.routes import ROUTES
from infra.openapi import openapi_document
from infra.sandbox.seed import PEOPLE, random_my_number, registration_body
from infra.sandbox.server import RunningSandbox, require_loopback
from infra.sandbox.tokens import MHLW, OTHER_TENANT_REGISTRAR, PORTAL_ACCESS_KEY, PORTAL_SECRET_KEY, Credentials
from tests.e2e.conftest import Api

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("sandbox")]

REG = "/admin/registrants"
PROBLEM = "application/problem+json"


def _new_registration(my_number: str | None = None) -> dict[str, Any]:
    return registration_body(PEOPLE[0], my_number or random_my_number(set()))


def _register(api: Api, body: dict[str, Any] | None = None) -> requests.Response:
    created = api.call("POST", REG, json=body or _new_registration())
    assert created.status_code == 201, created.text
    return created


def _is_problem(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


def test_no_token_or_unknown_token_is_401_problem(api: Api) -> None:
    missing = api.call("POST", REG + "/search", who=None, json={"status": "registered"})
    assert _is_problem(missing, 401)["type"].endswith("/unauthenticated")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = api.call("GET", REG + "/x", who=None, headers={"Authorization": "Bearer not-a-sandbox-token"})
    _is_problem(unknown, 401)
    _is_problem(api.call("GET", REG + "/x", who=None, headers={"Authorization": "Basic abc"}), 401)


def test_unknown_route_is_404_and_wrong_method_405(api: Api) -> None:
    assert _is_problem(api.call("GET", "/admin/nothing-here"), 404)["type"].endswith("/no-such-route")
    wrong = api.call("DELETE", REG + "/some-id")
    _is_problem(wrong, 405)
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "PATCH"}


def test_viewer_may_not_register(api: Api) -> None:
    refused = api.call("POST", REG, who="viewer", json=_new_registration())
    assert _is_problem(refused, 403)["type"].endswith("/forbidden")


def test_role_is_checked_before_the_body_is_validated(api: Api) -> None:
    _is_problem(api.call("POST", REG, who="viewer", json={}), 403)


def test_malformed_json_is_400_problem(api: Api) -> None:
    response = api.call("POST", REG, data=b'{"name": {"family": ', headers={"Content-Type": "application/json"})
    assert _is_problem(response, 400)["type"].endswith("/malformed-json")


def test_register_read_correct_with_if_match_and_history(api: Api) -> None:
    created = _register(api)
    assert created.headers["ETag"] == '"1"'
    qid = created.json()["qualification_pseudonym_id"]
    assert "my_number" not in created.json()

    read = api.call("GET", f"{REG}/{qid}", who="viewer")
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert read.json()["registration_number"] == created.json()["registration_number"]

    change = {"address": {"municipality_code": "271004", "line": "大阪市北区梅田1-1-1"}, "reason": "転居"}
    corrected = api.call("PATCH", f"{REG}/{qid}", json=change, headers={"If-Match": '"1"'})
    assert corrected.status_code == 200, corrected.text
    assert corrected.headers["ETag"] == '"2"'
    assert corrected.json()["address"]["municipality_code"] == "271004"

    stale = api.call("PATCH", f"{REG}/{qid}", json=change, headers={"If-Match": '"1"'})
    assert _is_problem(stale, 409)["type"].endswith("/version-conflict")
    assert stale.headers["ETag"] == '"2"'
    _is_problem(api.call("PATCH", f"{REG}/{qid}", json=change), 428)

    history = api.call("GET", f"{REG}/{qid}/history", who="approver")
    assert history.status_code == 200
    assert [e["operation"] for e in history.json()["events"]] == ["register", "correct"]


def test_search_by_status_pages_with_a_cursor(api: Api) -> None:
    seen: list[str] = []
    query: dict[str, Any] = {"status": "registered", "limit": 4}
    for _ in range(20):
        page = api.call("POST", REG + "/search", who="viewer", json=query)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 4
        assert all(item["status"] == "registered" for item in body["items"])
        seen += [item["qualification_pseudonym_id"] for item in body["items"]]
        if body["cursor"] is None:
            break
        query = {**query, "cursor": body["cursor"]}
    assert len(seen) == len(set(seen))
    assert len(seen) >= 9  # the seeded registered registrants, and whatever other tests added


def test_reveal_my_number_registrar_only(api: Api) -> None:
    my_number = random_my_number(set())
    qid = _register(api, _new_registration(my_number)).json()["qualification_pseudonym_id"]
    purpose = {"purpose": "本人確認のため"}
    revealed = api.call("POST", f"{REG}/{qid}/my-number/reveal", json=purpose)
    assert revealed.status_code == 200, revealed.text
    assert revealed.json()["my_number"] == my_number
    _is_problem(api.call("POST", f"{REG}/{qid}/my-number/reveal", who="viewer", json=purpose), 403)


def test_openapi_document_is_served(api: Api) -> None:
    served = api.call("GET", "/openapi.json", who=None)
    assert served.status_code == 200
    document = served.json()
    assert document["openapi"].startswith("3.1")
    assert document == openapi_document()
    assert {(r.path, r.method.lower()) for r in ROUTES} <= {(p, m) for p, ops in document["paths"].items() for m in ops}


def test_tenants_are_isolated(api: Api, sandbox: RunningSandbox) -> None:
    assert sandbox.seeded is not None
    foundation = next(r for r in sandbox.seeded.registrants if r.tenant_id != MHLW)
    other = api.call("GET", f"{REG}/{foundation.qualification_pseudonym_id}", who=OTHER_TENANT_REGISTRAR)
    assert _is_problem(other, 404)["type"].endswith("/not-found")
    mine = api.call("POST", REG + "/search", who=OTHER_TENANT_REGISTRAR, json={"status": "registered"})
    assert {item["tenant_id"] for item in mine.json()["items"]} == {MHLW}
    same_id = api.call("GET", f"{REG}/{foundation.qualification_pseudonym_id}")
    assert same_id.status_code == 200


def test_seeded_register_covers_the_lifecycle(api: Api, sandbox: RunningSandbox) -> None:
    assert sandbox.seeded is not None
    foundation = [r for r in sandbox.seeded.registrants if r.tenant_id != MHLW]
    assert len(foundation) == len(PEOPLE)
    assert {r.status for r in foundation} == {"registered", "suspended", "revoked", "erased"}
    records = [api.call("GET", f"{REG}/{r.qualification_pseudonym_id}", who="viewer").json() for r in foundation]
    assert [r["status_today"] for r in records] == [r.status for r in foundation]
    assert any(r["origin"].get("nationality") for r in records)
    assert any(r["name"].get("former_family") for r in records)
    assert sandbox.seeded.changes["correct"] >= 3
    one = foundation[0].qualification_pseudonym_id
    revealed = api.call("POST", f"{REG}/{one}/my-number/reveal", json={"purpose": "seed check"}).json()["my_number"]
    assert my_number_rule.is_valid(revealed)


def test_concurrent_requests_to_both_functions(api: Api, sandbox: RunningSandbox) -> None:
    assert sandbox.seeded is not None
    qid = sandbox.seeded.registrants[0].qualification_pseudonym_id

    def one(n: int) -> int:
        client = Api(sandbox)
        if n % 3 == 0:
            response = client.call("POST", f"{REG}/{qid}/my-number/reveal", json={"purpose": "並行試験"})
        elif n % 3 == 1:
            response = client.call("POST", REG + "/search", json={"status": "registered", "limit": 2})
        else:
            response = client.call("GET", f"{REG}/{qid}", who="viewer")
        client.http.close()
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(one, range(18))) == {200}


def test_request_log_carries_no_personal_data(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="infra.sandbox")
    my_number = random_my_number(set())
    body = _new_registration(my_number)
    qid = _register(api, body).json()["qualification_pseudonym_id"]
    api.call("GET", f"{REG}/{qid}?name=%E5%B1%B1%E7%94%B0&birth_date=1985-06-12", who="viewer")
    api.call("POST", f"{REG}/{qid}/my-number/reveal", json={"purpose": "ログ確認"})
    lines = [r.getMessage() for r in caplog.records if r.name == "infra.sandbox"]
    assert any("POST /admin/registrants 201" in line for line in lines)
    assert any("GET /admin/registrants/{qualification_pseudonym_id} 200" in line for line in lines)
    text = "\n".join(lines)
    secrets = [my_number, body["name"]["family"], body["birth_date"], "1985-06-12", "?", api.running.token("registrar")]
    for secret in [*secrets, api.running.token("viewer"), "purpose", "ログ確認"]:
        assert secret not in text


def test_sandbox_listens_on_loopback_only() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        require_loopback(host)
    for host in ("0.0.0.0", "192.168.1.10", "example.org"):
        with pytest.raises(ValueError, match="loopback"):
            require_loopback(host)


def test_tokens_file_is_private_and_complete(sandbox: RunningSandbox, tmp_path: Path) -> None:
    credentials = sandbox.sandbox.tokens
    path = tmp_path / ".sandbox" / "tokens.json"
    credentials.write(path)
    assert path.stat().st_mode & 0o777 == 0o600
    written = json.loads(path.read_text())
    staff = {"registrar", "approver", "auditor", "operator", "viewer", OTHER_TENANT_REGISTRAR}
    assert set(written) == staff | {PORTAL_ACCESS_KEY, PORTAL_SECRET_KEY}
    assert len(set(written.values())) == len(written)
    assert Credentials.issue(prefix="again").by_key().keys() == written.keys()
    assert Credentials.issue(prefix="again2").by_key()["registrar"] != written["registrar"]  # new on every start
    claims = credentials.staff_claims(f"Bearer {written[OTHER_TENANT_REGISTRAR]}")
    assert claims is not None
    assert claims["custom:tenant_id"] == MHLW
    assert claims["cognito:groups"] == "registrar"


def test_an_attachment_link_is_refused_once_expired_and_other_methods_are_405(api: Api) -> None:
    """The sandbox's S3 serves presigned GETs (the walk-through follows one) only while they last."""
    link = api.running.url + "/_s3/attachments/foundation/app/medical_certificate"
    expired = requests.get(link + "?X-Amz-Date=20261203T000000Z&X-Amz-Expires=60", timeout=10)
    assert expired.status_code == 403 and expired.headers["Content-Type"] == "application/problem+json"
    assert requests.get(link, timeout=10).status_code == 403  # unsigned: no expiry to honour
    assert requests.delete(link, timeout=10).status_code == 405
