"""The My Number lives only in the vault: never in the register, the audit trail, a response
(except the audited reveal) or a log; and a ciphertext opens only for its own holder."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from ahaki.kernel.audit import Outcome
from ahaki.kernel.retry import ChainContention
from ahaki.registry.wiring import ports
from infra.sandbox.emulated_aws import REGION
from tests.data import registration
from tests.integration.conftest import Api
from tests.integration.registry.test_lifecycle_api import audit_chain


def test_my_number_is_only_in_the_vault_and_only_as_ciphertext(api: Api) -> None:
    body = registration()
    created = api.call("register", body=body)
    qid = created.body["qualification_pseudonym_id"]
    number = body["my_number"]
    replies = [created, api.call("get_registrant", qid), api.call("get_history", qid)]
    replies.append(api.call("search_registrants", body={"registration_number": 1}))
    replies.append(api.call("correct", qid, {"sex": "male", "reason": "誤記"}, headers={"If-Match": '"1"'}))
    for reply in replies:
        assert number not in str(reply.body) and number not in str(reply.headers)
    for table in ("RegisterTable", "AuditTable", "VaultTable", "OutboxTable"):
        assert number not in str(api.items(table)), table
    vault = api.items("VaultTable")
    assert {i["sk"]["S"] for i in vault} == {"MY_NUMBER", "CLAIM"}
    revealed = api.call("reveal_my_number", qid, {"purpose": "J-LIS照会結果との照合"})
    assert revealed.status == 200 and revealed.body["my_number"] == number
    reveal_records = [r for r in audit_chain(api, qid) if r.action == "reveal_my_number"]
    assert [(r.outcome, r.detail["purpose"]) for r in reveal_records] == [(Outcome.ALLOWED, "J-LIS照会結果との照合")]


def test_ciphertext_is_bound_to_its_holder(api: Api) -> None:
    first = api.register()["qualification_pseudonym_id"]
    second = api.register()["qualification_pseudonym_id"]
    client = boto3.client("dynamodb", region_name=REGION)
    table = api.resources.table_names["VaultTable"]
    key = {"sk": {"S": "MY_NUMBER"}}
    stolen = client.get_item(TableName=table, Key={"pk": {"S": f"T#foundation#Q#{first}"}, **key})["Item"]
    client.update_item(
        TableName=table,
        Key={"pk": {"S": f"T#foundation#Q#{second}"}, **key},
        UpdateExpression="SET ciphertext = :c",
        ExpressionAttributeValues={":c": stolen["ciphertext"]},
    )
    with pytest.raises(ClientError, match="InvalidCiphertext"):
        ports().vault.reveal("foundation", second)


def test_no_audit_record_no_data(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    qid = api.register()["qualification_pseudonym_id"]
    opened: list[str] = []
    real_reveal = ports().vault.reveal

    def spy(*args: str) -> str | None:
        opened.append("vault opened")
        return real_reveal(*args)

    monkeypatch.setattr(ports().vault, "reveal", spy)

    def refuse(record: object) -> None:
        raise ChainContention("audit unavailable")

    monkeypatch.setattr(ports().audit, "append", refuse)
    monkeypatch.setattr("ahaki.registry.services.registry.RETRY_BUDGET_SECONDS", 0.05)
    for operation, body in [("reveal_my_number", {"purpose": "確認"}), ("get_registrant", None), ("get_history", None)]:
        reply = api.call(operation, qid, body)
        assert reply.status == 503 and reply.headers["Retry-After"] == "1"
        assert "my_number" not in str(reply.body) and "name" not in str(reply.body)
    assert opened == []


def test_a_failed_transaction_writes_nothing(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from ahaki.registry.adapters.unit_of_work import DynamoUnitOfWork

    def broken(self: DynamoUnitOfWork) -> None:
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, "TransactWriteItems")

    monkeypatch.setattr(DynamoUnitOfWork, "commit", broken)
    reply = api.call("register", body=registration())
    assert reply.status == 500 and reply.body["type"].endswith("internal")
    # Only the queue's bookkeeping moved (a ticket taken and its turn passed on): no record, no number.
    assert [i["sk"]["S"] for i in api.items("RegisterTable")] == ["SEQUENCE"]
    assert "last" not in api.items("RegisterTable")[0]
    assert api.items("VaultTable") == [] and api.items("OutboxTable") == []
