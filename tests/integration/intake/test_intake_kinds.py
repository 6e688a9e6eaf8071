"""Every application kind to its register operation; idempotency; bad input; duties; failures."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from ahaki.intake.domain.commands import Submission
from ahaki.intake.services import application_records
from ahaki.intake.services import submission as submissions
from ahaki.intake.wiring import intake_ports
from ahaki.kernel.caller import Caller
from tests.intake_data import SigningCa, idem, new_registration, pseudonym
from tests.integration.conftest import Api
from tests.integration.intake.test_intake_api import CA, app_params, complete, pending_items, submit


@pytest.fixture(autouse=True)
def _trust_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)


def registered_holder(api: Api) -> tuple[str, str, dict[str, Any]]:
    who = pseudonym()
    registrant = api.register(portal_pseudonym_id=who)
    return who, registrant["qualification_pseudonym_id"], registrant


def approve(api: Api, app_id: str) -> Any:
    return api.call("approve_application", params=app_params(app_id), body={}, role="approver", actor="boss")


KINDS: list[tuple[dict[str, Any], list[str], int | None, str]] = [
    (
        {"kind": "correction", "name": {"family": "山口", "given": "結衣"}, "reason": "婚姻"},
        ["family_register_extract"],
        None,
        "registered",
    ),
    ({"kind": "certificate_rewrite", "reason": "氏名の変更"}, [], 2850, "registered"),
    ({"kind": "certificate_reissue", "reason": "lost", "will_return_if_found": True}, [], 3100, "registered"),
    ({"kind": "erasure_request", "note": "廃業"}, [], None, "erased"),
]


@pytest.mark.parametrize(("form", "attachments", "fee", "status"), KINDS, ids=[k[0]["kind"] for k in KINDS])
def test_each_change_kind_reaches_the_register(
    api: Api, form: dict[str, Any], attachments: list[str], fee: int | None, status: str
) -> None:
    who, qid, _ = registered_holder(api)
    reply = submit(api, who, form)
    assert reply.status == 201, reply.body
    app_id = reply.body["application_id"]
    complete(api, who, app_id, attachments, fee)
    if form["kind"] == "correction":
        differences = api.call("match_application", params=app_params(app_id), role="viewer").body["differences"]
        assert set(differences) == {"name"}
    approved = approve(api, app_id)
    assert approved.status == 200, approved.body
    registrant = api.call("get_registrant", qid, role="viewer").body
    assert registrant["status"] == status and registrant["version"] == 2


def test_death_report_by_a_relative_is_flagged_late(api: Api) -> None:
    _, qid, registrant = registered_holder(api)
    reporter = pseudonym()
    form = {
        "kind": "death_report",
        "registration_number": registrant["registration_number"],
        "name_kana": registrant["name_kana"],
        "birth_date": registrant["birth_date"],
        "date_of_death": (date.today() - timedelta(days=45)).isoformat(),
        "relationship": "cohabiting_relative",
        "reporter_name": "届出 太郎",
    }
    reply = submit(api, reporter, form)
    assert reply.status == 201 and reply.body["late"] is True
    complete(api, reporter, reply.body["application_id"], ["death_certificate"])
    assert approve(api, reply.body["application_id"]).status == 200
    erased = api.call("get_registrant", qid, role="viewer").body
    assert erased["status"] == "erased" and erased["erasure"]["reason"] == "death"
    wrong = submit(api, reporter, {**form, "birth_date": "1970-01-01"})
    assert wrong.status == 422 and wrong.body["field"] == "application.registration_number"


def test_same_key_replays_and_another_body_is_422(api: Api) -> None:
    who, key = pseudonym(), idem()
    form = new_registration()
    first = api.call("submit_application", body={"application": form}, portal=who, headers=key)
    again = api.call("submit_application", body={"application": form}, portal=who, headers=key)
    assert first.status == again.status == 201 and first.body == again.body
    other = api.call("submit_application", body={"application": new_registration()}, portal=who, headers=key)
    assert other.status == 422 and other.body["type"].endswith("idempotency-key-reused")
    assert len(api.items("ApplicationsTable")) == 1 and len(pending_items(api)) == 1
    stored = json.dumps(api.items("IdempotencyTable"), default=str)
    assert form["my_number"] not in stored and form["name"]["family"] not in stored


BAD: list[tuple[str, Any, int, str]] = [
    ("malformed json", "{not json", 400, "malformed-json"),
    ("unknown kind", {"application": {"kind": "adoption"}}, 422, "application"),
    (
        "extra field",
        {"application": {"kind": "erasure_request", "hobby": "x"}},
        422,
        "application.erasure_request",  # the unknown key's object: the key itself is never echoed
    ),
    ("check digit", {"application": new_registration(my_number="123456789019")}, 422, "my_number"),
    (
        "half-width kana",
        {"application": new_registration(name_kana={"family": "ﾔﾏﾀﾞ", "given": "ﾊﾅｺ"})},
        422,
        "name_kana",
    ),
    ("future date", {"application": new_registration(birth_date="2999-01-01")}, 422, "birth_date"),
]


@pytest.mark.parametrize(("case", "body", "status", "names"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_4xx_naming_the_cause_and_writes_nothing(
    api: Api, case: str, body: Any, status: int, names: str
) -> None:
    raw = body if isinstance(body, str) else None
    reply = api.call("submit_application", body=None if raw else body, raw_body=raw, portal=pseudonym(), headers=idem())
    assert reply.status == status, reply.body
    assert names in json.dumps(reply.body, ensure_ascii=False)
    assert api.items("ApplicationsTable") == [] and pending_items(api) == []


def test_bad_signatures_are_refused(api: Api) -> None:
    form = new_registration()
    untrusted = {"application": form, "signature": SigningCa().sign(form)}
    expired = {"application": form, "signature": CA.sign(form, expired=True)}
    tampered = {"application": form, "signature": CA.sign({**form, "sex": "male"})}
    for body, cause in [(untrusted, "trusted"), (expired, "expired"), (tampered, "does not match")]:
        reply = api.call("submit_application", body=body, portal=pseudonym(), headers=idem())
        assert reply.status == 422 and cause in reply.body["detail"], reply.body
    assert api.items("ApplicationsTable") == []


def test_attachments_wrong_type_or_oversize_and_other_pseudonyms(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    for body, field in [
        ({"type": "medical_certificate", "content_type": "text/html", "size": 10}, "content_type"),
        ({"type": "medical_certificate", "content_type": "application/pdf", "size": 10**9}, "size"),
        ({"type": "death_certificate", "content_type": "application/pdf", "size": 10}, "type"),
    ]:
        reply = api.call("request_upload", params=app_params(app_id), body=body, portal=who)
        assert reply.status == 422 and reply.body["field"] == field
    assert api.call("get_my_application", params=app_params(app_id), portal=pseudonym()).status == 404
    assert api.call("list_my_applications", portal=pseudonym()).body["items"] == []
    assert api.call("approve_application", params=app_params(app_id), body={}, role="approver").status == 409


def test_the_last_editor_may_not_approve(api: Api) -> None:
    who = pseudonym()
    form = new_registration()
    app_id = submit(api, who, form).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], 9000)
    stored = {k: v for k, v in form.items() if k != "my_number"}
    edit = {"form": {**stored, "sex": "male"}, "reason": "誤記"}
    both = ["registrar", "approver"]
    assert (
        api.call("edit_application", params=app_params(app_id), body=edit, role="registrar", actor="ann").status == 200
    )
    with mock.patch(
        "tests.integration.conftest.claims",
        lambda a, g, t: {"sub": a, "cognito:groups": ",".join(both), "custom:tenant_id": t},
    ):
        refused = api.call("approve_application", params=app_params(app_id), body={}, role="approver", actor="ann")
    assert refused.status == 403 and refused.body["type"].endswith("separation-of-duties")
    assert approve(api, app_id).status == 200


def test_more_information_then_the_upload_returns_it_to_received(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], 9000)
    asked = api.call("request_more_information", params=app_params(app_id), body={"reason": "不鮮明"}, role="registrar")
    assert asked.body["status"] == "more_information_requested"
    complete(api, who, app_id, ["additional"])
    assert api.call("get_my_application", params=app_params(app_id), portal=who).body["status"] == "received"


CANCELLED = ClientError(
    {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": [{"Code": "TransactionConflict"}]},
    "TransactWriteItems",
)
KMS_DOWN = ClientError({"Error": {"Code": "KMSInternalException"}}, "GetItem")


@pytest.mark.parametrize("failure", ["transaction_cancelled", "vault_error"])
def test_a_failed_approval_changes_nothing_and_the_retry_succeeds(api: Api, failure: str) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], 9000)
    ip = intake_ports()
    if failure == "transaction_cancelled":
        target = mock.patch.object(type(ip.register.unit_of_work()), "commit", side_effect=CANCELLED)
    else:
        target = mock.patch.object(type(ip.vault), "pending", side_effect=KMS_DOWN)
    with target, mock.patch("ahaki.registry.services.registry.RETRY_BUDGET_SECONDS", 0.2):
        assert approve(api, app_id).status == 500
    assert api.call("get_my_application", params=app_params(app_id), portal=who).body["status"] == "received"
    assert [i for i in api.items("RegisterTable") if i["sk"]["S"] == "SNAPSHOT"] == []
    assert len(pending_items(api)) == 1
    assert approve(api, app_id).status == 200
    assert pending_items(api) == []


def test_retention_deletes_personal_data_and_attachments(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], 9000)
    approve(api, app_id)
    ip = intake_ports()
    assert application_records.purge_expired(ip, datetime.now(UTC)) == 0
    assert application_records.purge_expired(ip, datetime.now(UTC) + timedelta(days=91)) == 1
    assert api.items("ApplicationsTable") == []
    assert ip.attachments.fetch(f"foundation/{app_id}/medical_certificate", 0) is None


def test_a_second_attempt_after_a_lost_lease_finds_the_first_application(api: Api) -> None:
    """The idempotency record can expire while a timed-out first attempt still commits: the
    application id derived from the key makes the write itself idempotent."""
    who, form = pseudonym(), new_registration()
    caller = Caller(f"portal:{who}", "portal", "foundation", "t", portal_pseudonym_id=who)
    submission = Submission.model_validate({"application": form})
    derived = submissions.application_id_for("foundation", who, "key-0001")
    first = submissions.submit(intake_ports(), caller, submission, form, derived)
    second = submissions.submit(intake_ports(), caller, submission, form, derived)
    assert first.application_id == second.application_id == derived
    assert len(api.items("ApplicationsTable")) == 1 and len(pending_items(api)) == 1
