"""Every route x every role: the designed allow/deny, and every refusal audited."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest

from ahaki.http.routes import ROUTES, AuthType, Role, Route
from infra.sandbox.emulated_aws import REGION
from tests.data import registration
from tests.integration.conftest import Api

# The design, written out on its own so that a change to the route table must change this too.
EXPECTED_ALLOWED: dict[str, set[Role]] = {
    "register": {Role.REGISTRAR},
    "search_registrants": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "get_registrant": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "correct": {Role.REGISTRAR},
    "get_history": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "rewrite_certificate": {Role.REGISTRAR},
    "reissue_certificate": {Role.REGISTRAR},
    "erase": {Role.REGISTRAR},
    "dispose": {Role.REGISTRAR},
    "relicense": {Role.REGISTRAR},
    "reveal_my_number": {Role.REGISTRAR},
    "send_notice": {Role.REGISTRAR},
    "list_notifications": set(),  # portal routes: the portal integration only, never staff
    "mark_notification_read": set(),
    "get_notification_preferences": set(),
    "put_notification_preferences": set(),
    # The resident-register sync (docs/adr/0033-sync-roles-and-functions.md)
    "resident_lookup": {Role.REGISTRAR},
    "get_resident_lookup": {Role.REGISTRAR},
    "list_sync_findings": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "get_sync_finding": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "resolve_sync_finding": {Role.REGISTRAR},
    "start_sync_run": {Role.OPERATOR},
    "get_sync_run": {Role.OPERATOR, Role.REGISTRAR, Role.AUDITOR},
    "list_sync_quarantine": {Role.OPERATOR, Role.REGISTRAR, Role.AUDITOR},
    "resident_query_report": {Role.AUDITOR},
    "get_notation_settings": set(Role),  # rule names and counts only: no personal data
    "put_notation_settings": {Role.REGISTRAR},
    # Online intake: portal routes admit no staff role (the portal integration only, tested in
    # test_intake_api); readers review, the registrar edits, only the approver decides.
    "submit_application": set(),
    "list_my_applications": set(),
    "get_my_application": set(),
    "request_upload": set(),
    "record_payment": set(),
    "application_queue": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "get_application": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    "match_application": {Role.REGISTRAR, Role.APPROVER, Role.VIEWER},
    # An attachment may be a medical certificate: those who act on applications, not the viewer.
    "get_attachment": {Role.REGISTRAR, Role.APPROVER},
    "edit_application": {Role.REGISTRAR},
    "request_more_information": {Role.REGISTRAR, Role.APPROVER},
    "approve_application": {Role.APPROVER},
    "reject_application": {Role.APPROVER},
    # The retention job's deletion reports: ids, rules and counts, for those who watch runs.
    "list_retention_reports": {Role.OPERATOR, Role.REGISTRAR, Role.AUDITOR},
    "get_retention_report": {Role.OPERATOR, Role.REGISTRAR, Role.AUDITOR},
}

BODIES: dict[str, Any] = {
    "search_registrants": {"status": "registered"},
    "correct": {"sex": "male", "reason": "誤記の訂正"},
    "rewrite_certificate": {"reason": "氏名変更"},
    "reissue_certificate": {"reason": "soiled"},
    "erase": {"reason": "on_request"},
    "dispose": {"kind": "revocation", "reason": "取消"},
    "relicense": {"reason": "再免許"},
    "reveal_my_number": {"purpose": "本人確認"},
    "send_notice": {"audience": "all_holders", "subject": "お知らせ", "body": "本文"},
    "resident_lookup": {"purpose": "本人確認", "qualification_pseudonym_id": "no-such-registrant"},
    "resolve_sync_finding": {"decision": "dismiss", "reason": "確認済み"},
    "start_sync_run": {},
    "put_notation_settings": {"disabled": ["address.building"], "reason": "建物名の扱いを確認中", "version": 0},
    "application_queue": {"status": "received"},
    "request_more_information": {"reason": "写真が不鮮明です"},
    "approve_application": {},
    "reject_application": {"reason": "要件を満たさない"},
}


def test_the_matrix_covers_every_route() -> None:
    assert set(EXPECTED_ALLOWED) == {r.operation_id for r in ROUTES}
    for route in ROUTES:
        assert route.roles == EXPECTED_ALLOWED[route.operation_id], route.operation_id


def _body(route: Route) -> Any:
    return registration() if route.operation_id == "register" else BODIES.get(route.operation_id)


def _denials(api: Api) -> int:
    client = boto3.client("dynamodb", region_name=REGION)
    items = client.scan(TableName=api.resources.table_names["AuditTable"])["Items"]
    return sum(
        '"outcome":"denied"' in i["record"]["S"] or '"outcome":"unauthenticated"' in i["record"]["S"] for i in items
    )


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_route_for_every_role(api: Api, role: Role) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    for route in ROUTES:
        denials = _denials(api)
        params = {name: qid for name in re.findall(r"\{(\w+)\}", route.path)} or None
        reply = api.call(route.operation_id, None, _body(route), role=role, params=params)
        if role in EXPECTED_ALLOWED[route.operation_id]:
            assert reply.status not in (401, 403), (route.operation_id, role, reply.body)
            assert reply.status < 500, (route.operation_id, role, reply.body)
        else:
            assert reply.status == 403, (route.operation_id, role, reply.status)
            assert reply.body["type"].endswith("forbidden")
            assert _denials(api) == denials + 1


STAFF_ROUTES = [r for r in ROUTES if r.auth is AuthType.STAFF]


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=[r.operation_id for r in STAFF_ROUTES])
def test_unauthenticated_is_401_and_audited(api: Api, route: Route) -> None:
    params = {name: "some-id" for name in re.findall(r"\{(\w+)\}", route.path)} or None
    reply = api.call(route.operation_id, None, _body(route), role=None, params=params)
    # A portal route without the portal's IAM identity is refused (403), as API Gateway's IAM auth does.
    expected = 403 if route.auth is AuthType.PORTAL else 401
    assert reply.status == expected and reply.headers["Content-Type"] == "application/problem+json"
    assert _denials(api) == 1


def test_a_caller_without_tenant_or_with_unknown_group_is_refused(api: Api) -> None:
    assert api.call("search_registrants", body=BODIES["search_registrants"], tenant=None).status == 403
    assert api.call("search_registrants", body=BODIES["search_registrants"], role="admin").status == 403
    assert api.call("search_registrants", body=BODIES["search_registrants"], tenant="../etc").status == 403


def test_role_is_checked_before_the_body_is_validated(api: Api) -> None:
    reply = api.call("register", body={"name_kana": {"family": "ﾔﾏﾀﾞ"}}, role=Role.VIEWER)
    assert reply.status == 403
    assert "errors" not in reply.body
    assert api.call("register", body={"name_kana": {"family": "ﾔﾏﾀﾞ"}}, role=None).status == 401
