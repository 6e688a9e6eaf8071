"""PUT/GET /portal/notification-preferences: the caller's own, validated, audited, never logged."""

from __future__ import annotations

import json
import logging

import pytest

from infra.sandbox.workers import Workers
from tests.integration.conftest import Api
from tests.integration.notifications_support import sent_emails, workers

__all__ = ["workers"]
PP = "pp-preferences-0001"
ADDRESS = "hanako.yamada@example.jp"


def test_a_holder_sets_and_reads_their_email_preference(api: Api) -> None:
    registrant = api.register(portal_pseudonym_id=PP)
    assert api.call("get_notification_preferences", portal=PP).body == {"email": None, "email_opt_in": False}
    reply = api.call("put_notification_preferences", portal=PP, body={"email": ADDRESS, "email_opt_in": True})
    assert reply.status == 200, reply.body
    assert reply.body == {"email": ADDRESS, "email_opt_in": True}
    assert api.call("get_notification_preferences", portal=PP).body == {"email": ADDRESS, "email_opt_in": True}
    audits = [json.loads(json.dumps(i)) for i in api.items("AuditTable")]
    text = json.dumps(audits, ensure_ascii=False)
    assert "put_notification_preferences" in text and "get_notification_preferences" in text
    assert ADDRESS not in text  # the address is never in the audit trail
    assert registrant["qualification_pseudonym_id"] in text


def test_the_notifier_uses_the_preference_set_through_the_portal(api: Api, workers: Workers) -> None:
    api.register(portal_pseudonym_id=PP)
    workers.pump()
    before = len(sent_emails())
    api.call("put_notification_preferences", portal=PP, body={"email": ADDRESS, "email_opt_in": True})
    qid = api.call("search_registrants", body={"status": "registered", "limit": 1}).body["items"][0]
    reply = api.call(
        "correct", qid["qualification_pseudonym_id"], {"sex": "male", "reason": "誤記"}, headers={"If-Match": '"1"'}
    )
    assert reply.status == 200, reply.body
    workers.pump()
    emails = sent_emails()[before:]
    assert [m.destinations["ToAddresses"] for m in emails] == [[ADDRESS]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "email_opt_in": True}, "email"),
        ({"email": "a@" + "b" * 260 + ".jp", "email_opt_in": True}, "email"),
        ({"email_opt_in": "sometimes"}, "email_opt_in"),
        ({"email": ADDRESS, "email_opt_in": True, "phone": "0312345678"}, "body"),  # an unknown key is never echoed
    ],
)
def test_bad_input_is_a_problem_naming_the_field_without_the_value(
    api: Api, body: dict[str, object], field: str, caplog: pytest.LogCaptureFixture
) -> None:
    api.register(portal_pseudonym_id=PP)
    with caplog.at_level(logging.DEBUG):
        reply = api.call("put_notification_preferences", portal=PP, body=body)
    assert reply.status == 422, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert field in json.dumps(reply.body)
    assert "not-an-address" not in json.dumps(reply.body) and ADDRESS not in json.dumps(reply.body)
    assert ADDRESS not in caplog.text and "not-an-address" not in caplog.text


def test_opt_in_needs_an_address(api: Api) -> None:
    api.register(portal_pseudonym_id=PP)
    reply = api.call("put_notification_preferences", portal=PP, body={"email_opt_in": True})
    assert reply.status == 422, reply.body


def test_unknown_pseudonym_staff_and_no_pseudonym_are_refused(api: Api) -> None:
    assert api.call("get_notification_preferences", portal="pp-nobody-0000").status == 404
    body = {"email": ADDRESS, "email_opt_in": True}
    assert api.call("put_notification_preferences", portal="pp-nobody-0000", body=body).status == 404
    assert api.call("put_notification_preferences", body=body).status == 403  # a staff token is not the portal
    assert api.call("get_notification_preferences", portal="bad").status == 400
