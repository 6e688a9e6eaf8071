"""What the applicant hears of their application: a deficiency (不備) notice only when staff ask
for more, or when the deadline to complete it has passed; never on submission."""

from __future__ import annotations

from typing import Any

from infra.sandbox.workers import Workers
from tests.intake_data import idem, new_registration, pseudonym
from tests.integration.conftest import Api
from tests.integration.notifications_support import workers

__all__ = ["workers"]
DEFICIENCY = "申請書類に不備があります"


def _inbox(api: Api, who: str) -> list[dict[str, Any]]:
    reply = api.call("list_notifications", portal=who)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def _submit(api: Api, who: str) -> str:
    reply = api.call("submit_application", body={"application": new_registration()}, portal=who, headers=idem())
    assert reply.status == 201, reply.body
    return str(reply.body["application_id"])


def test_a_new_application_is_not_told_its_documents_are_deficient(api: Api, workers: Workers) -> None:
    who = pseudonym()
    _submit(api, who)
    workers.pump()
    inbox = _inbox(api, who)
    assert [i["kind"] for i in inbox] == ["application.incomplete"]
    assert DEFICIENCY not in inbox[0]["subject"] + inbox[0]["text"]
    assert "添付書類" in inbox[0]["text"] and "提出をお待ちしています" in inbox[0]["subject"]


def test_each_request_for_more_information_is_a_deficiency_notice(api: Api, workers: Workers) -> None:
    who = pseudonym()
    app_id = _submit(api, who)
    for reason in ("診断書の日付が読めません", "診断書の押印が不鮮明です"):
        asked = api.call(
            "request_more_information",
            params={"application_id": app_id},
            body={"reason": reason, "attachments": ["medical_certificate"]},
            role="registrar",
        )
        assert asked.status == 200, asked.body
    workers.pump()
    inbox = _inbox(api, who)
    asked_kinds = [i for i in inbox if i["kind"] == "application.more_information_requested"]
    assert len(asked_kinds) == 2
    assert all(i["subject"].endswith(DEFICIENCY) for i in asked_kinds)
