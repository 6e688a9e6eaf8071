"""Staff read an application's attachment through the real handler, against moto: a link that
downloads exactly the accepted bytes as an attachment, pinned to the version checked, audited
before it is returned; nothing for other roles, other tenants or attachments not received."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests

from ahaki.intake.adapters.attachments import S3Attachments
from ahaki.intake.services import attachment_reads
from infra.sandbox.emulated_aws import REGION
from tests.attachment_files import JPEG, PDF, PNG, sample
from tests.intake_data import SigningCa, idem, new_registration, pseudonym, redeliver, upload
from tests.integration.conftest import Api

CA = SigningCa()
MEDICAL = "medical_certificate"


@pytest.fixture(autouse=True)
def _trust_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)


def _bucket(api: Api) -> str:
    return api.resources.env["ATTACHMENTS_BUCKET"]


def _submitted(api: Api) -> str:
    form = new_registration()
    reply = api.call(
        "submit_application",
        body={"application": form, "signature": CA.sign(form)},
        portal=pseudonym(),
        headers=idem(),
    )
    assert reply.status == 201, reply.body
    return str(reply.body["application_id"])


def _key(application_id: str, attachment_type: str = MEDICAL) -> str:
    return f"foundation/{application_id}/{attachment_type}"


def _read(api: Api, application_id: str, attachment_type: str = MEDICAL, **kwargs: Any) -> Any:
    params = {"application_id": application_id, "attachment_type": attachment_type}
    return api.call("get_attachment", params=params, **kwargs)


def _reads_audited(api: Api) -> list[dict[str, Any]]:
    records = [json.loads(i["record"]["S"]) for i in api.items("AuditTable")]
    return [r for r in records if r.get("action") == "get_attachment"]


@pytest.mark.parametrize("role", ["registrar", "approver"])
def test_a_reviewer_downloads_exactly_the_uploaded_bytes_as_an_attachment(api: Api, role: str) -> None:
    application_id = _submitted(api)
    data = sample(PDF, 2048)
    upload(_bucket(api), _key(application_id), PDF, body=data)

    reply = _read(api, application_id, role=role)

    assert reply.status == 200, reply.body
    assert reply.body["type"] == MEDICAL and reply.body["content_type"] == PDF
    assert reply.body["size"] == len(data) and reply.body["method"] == "GET"
    assert reply.body["expires_in"] == 60
    got = requests.get(reply.body["url"], timeout=10)
    assert got.status_code == 200 and got.content == data
    assert got.headers["Content-Disposition"] == f"attachment; filename={MEDICAL}.pdf"
    assert got.headers["Content-Type"] == PDF


def test_the_link_serves_the_declared_type_not_the_objects_own_metadata(api: Api) -> None:
    application_id = _submitted(api)
    upload(_bucket(api), _key(application_id), PNG)
    url = _read(api, application_id).body["url"]
    assert "response-content-type=image%2Fpng" in url
    assert "response-content-disposition=attachment%3B%20filename%3Dmedical_certificate.png" in url
    assert "versionId=" in url


@pytest.mark.parametrize("role", ["viewer", "auditor", "operator"])
def test_other_roles_are_refused(api: Api, role: str) -> None:
    application_id = _submitted(api)
    upload(_bucket(api), _key(application_id))
    reply = _read(api, application_id, role=role)
    assert reply.status == 403
    assert [r["outcome"] for r in _reads_audited(api)] == ["denied"]  # the refusal itself is audited


def test_another_tenants_application_is_not_found_and_named_nowhere(api: Api) -> None:
    application_id = _submitted(api)
    upload(_bucket(api), _key(application_id))
    reply = _read(api, application_id, tenant="other-body")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert application_id not in json.dumps(reply.body) and MEDICAL not in json.dumps(reply.body)
    assert [r for r in _reads_audited(api) if r["outcome"] == "allowed"] == []


def test_an_attachment_not_received_is_not_found(api: Api) -> None:
    application_id = _submitted(api)
    # Uploaded but its event not handled yet: not received, so not served.
    boto3.client("s3", region_name=REGION).put_object(
        Bucket=_bucket(api), Key=_key(application_id), Body=sample(PDF, 900), ContentType=PDF
    )
    assert _read(api, application_id).status == 404
    assert _read(api, application_id, "certificate_photo").status == 404  # never asked for
    unknown = _read(api, application_id, "no_such_type")
    assert unknown.status == 404 and "no_such_type" not in json.dumps(unknown.body)
    assert [r for r in _reads_audited(api) if r["outcome"] == "allowed"] == []


def test_the_read_is_audited_by_ids_even_if_the_link_is_never_followed(api: Api) -> None:
    application_id = _submitted(api)
    data = sample(JPEG, 1500)
    upload(_bucket(api), _key(application_id), JPEG, body=data)

    reply = _read(api, application_id, role="approver", actor="approver-7")

    assert reply.status == 200, reply.body
    [record] = _reads_audited(api)
    assert record["actor"] == "approver-7" and record["role"] == "approver" and record["outcome"] == "allowed"
    assert set(record["detail"]) == {"application_id", "attachment", "version_id"}
    assert record["detail"]["application_id"] == application_id and record["detail"]["attachment"] == MEDICAL
    assert record["detail"]["version_id"] in reply.body["url"]
    assert data[-64:].hex() not in json.dumps(api.items("AuditTable")) and "JFIF" not in json.dumps(record)


def test_no_link_is_made_when_the_read_cannot_be_audited(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    application_id = _submitted(api)
    upload(_bucket(api), _key(application_id))
    made: list[str] = []

    def download_url(*args: Any, **kwargs: Any) -> str:
        made.append("url")
        return "url"

    monkeypatch.setattr(S3Attachments, "download_url", download_url)

    def audit_fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(attachment_reads, "audit_read", audit_fails)
    reply = _read(api, application_id)
    assert reply.status == 500 and "url" not in reply.body
    assert made == []


def test_the_link_is_pinned_to_the_version_read(api: Api) -> None:
    application_id = _submitted(api)
    first, second = sample(PDF, 1200), sample(PDF, 3000)
    upload(_bucket(api), _key(application_id), PDF, body=first)
    old_url = _read(api, application_id).body["url"]

    upload(_bucket(api), _key(application_id), PDF, body=second)  # the applicant replaces the file

    assert requests.get(old_url, timeout=10).content == first
    new = _read(api, application_id).body
    assert new["size"] == len(second) and requests.get(new["url"], timeout=10).content == second


def test_a_replacement_not_yet_checked_is_never_linked(api: Api) -> None:
    application_id = _submitted(api)
    accepted = sample(PDF, 1200)
    upload(_bucket(api), _key(application_id), PDF, body=accepted)
    # A hostile replacement, its upload event still on the way.
    boto3.client("s3", region_name=REGION).put_object(
        Bucket=_bucket(api), Key=_key(application_id), Body=sample(PDF, 900) + b"<script>", ContentType=PDF
    )

    busy = _read(api, application_id)
    assert busy.status == 409 and "url" not in busy.body

    redeliver(_bucket(api), _key(application_id))  # its event refuses it: the accepted file is current again
    again = _read(api, application_id).body
    assert requests.get(again["url"], timeout=10).content == accepted
