"""Online applications end to end through the real handlers, against moto."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ahaki.kernel.adapters.vault import PENDING
from tests.intake_data import SigningCa, idem, new_registration, pseudonym, upload
from tests.integration.conftest import Api

CA = SigningCa()


@pytest.fixture(autouse=True)
def _trust_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)


def app_params(application_id: str) -> dict[str, str]:
    return {"application_id": application_id}


def submit(api: Api, who: str, application: dict[str, Any], **kwargs: Any) -> Any:
    return api.call("submit_application", body={"application": application, **kwargs}, portal=who, headers=idem())


def bucket(api: Api) -> str:
    return api.resources.env["ATTACHMENTS_BUCKET"]


def complete(api: Api, who: str, application_id: str, types: list[str], fee: int | None = None) -> None:
    for kind in types:
        reply = api.call(
            "request_upload",
            params=app_params(application_id),
            body={"type": kind, "content_type": "application/pdf", "size": 2048},
            portal=who,
        )
        assert reply.status == 200, reply.body
        assert reply.body["headers"]["Content-Length"] == "2048"
        upload(bucket(api), f"foundation/{application_id}/{kind}", size=2048)
    if fee is not None:
        paid = api.call(
            "record_payment", params=app_params(application_id), body={"amount": fee, "reference": "pay-1"}, portal=who
        )
        assert paid.status == 200, paid.body


def outbox_kinds(api: Api, application_id: str) -> list[str]:
    events = [json.loads(i["body"]["S"]) for i in api.items("OutboxTable")]
    mine = sorted((e for e in events if e["subject_id"] == application_id), key=lambda e: e["detail"]["version"])
    return [e["kind"] for e in mine]


def pending_items(api: Api) -> list[dict[str, Any]]:
    return [i for i in api.items("VaultTable") if i["sk"]["S"] == PENDING]


def test_new_registration_from_submission_to_register(api: Api) -> None:
    who = pseudonym()
    form = new_registration()
    reply = submit(api, who, form, signature=CA.sign(form))
    assert reply.status == 201, reply.body
    app_id = reply.body["application_id"]
    assert reply.body["status"] == "incomplete"
    assert reply.body["missing"] == ["attachment:medical_certificate", "payment"]
    # The My Number is only in the vault, as a pending ciphertext; never in the application.
    stored = api.items("ApplicationsTable")
    assert len(stored) == 1 and form["my_number"] not in json.dumps(stored, default=str)
    assert len(pending_items(api)) == 1

    complete(api, who, app_id, ["medical_certificate"], fee=9000)
    mine = api.call("get_my_application", params=app_params(app_id), portal=who)
    assert mine.status == 200 and mine.body["status"] == "received" and mine.body["missing"] == []

    queue = api.call("application_queue", body={"status": "received"}, role="viewer")
    assert [a["application_id"] for a in queue.body["items"]] == [app_id]
    assert queue.body["items"][0]["signature"]["status"] == "valid"
    match = api.call("match_application", params=app_params(app_id), role="approver")
    assert match.status == 200 and match.body["duplicate_my_number_holder"] is None

    approved = api.call("approve_application", params=app_params(app_id), body={}, role="approver", actor="boss")
    assert approved.status == 200, approved.body
    assert approved.body["status"] == "approved" and approved.body["expires_at"] > 0
    qid = approved.body["subject_id"]
    registrant = api.call("get_registrant", qid, role="viewer").body
    assert registrant["registration_number"] == 1 and registrant["portal_pseudonym_id"] == who
    assert api.call("reveal_my_number", qid, {"purpose": "本人確認"}).body["my_number"] == form["my_number"]
    assert pending_items(api) == []
    assert outbox_kinds(api, app_id) == ["application.incomplete", "application.received", "application.approved"]
    events = [json.loads(i["body"]["S"]) for i in api.items("OutboxTable")]
    assert all(e["portal_pseudonym_id"] == who for e in events if e["kind"].startswith("application."))


def test_rejection_deletes_the_pending_my_number(api: Api) -> None:
    who = pseudonym()
    reply = submit(api, who, new_registration())
    app_id = reply.body["application_id"]
    assert len(pending_items(api)) == 1
    rejected = api.call(
        "reject_application", params=app_params(app_id), body={"reason": "受験資格なし"}, role="approver"
    )
    assert rejected.status == 200 and rejected.body["status"] == "rejected"
    assert pending_items(api) == []
    mine = api.call("get_my_application", params=app_params(app_id), portal=who).body
    assert mine["decision"]["outcome"] == "rejected" and mine["decision"]["reason"] == "受験資格なし"
    assert outbox_kinds(api, app_id) == ["application.incomplete", "application.rejected"]
