"""Hostile uploads through the attachment function's entry point, against moto: whatever bytes
arrive under a declared type, a file that is not what it claims is gone (no version of it kept),
its application is not marked, the refusal is audited by a rule's name, with nothing of the file,
and the applicant is told once; a refused re-upload leaves the accepted file before it current."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ahaki.intake.adapters.attachments import S3Attachments
from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.events import ATTACHMENT_REFUSED
from infra.sandbox.emulated_aws import REGION
from infra.sandbox.workers import Workers
from tests.attachment_files import JPEG, PDF, PNG, sample
from tests.intake_data import SigningCa, idem, new_registration, pseudonym, redeliver, upload
from tests.integration.conftest import Api
from tests.integration.notifications_support import workers
from tests.integration.stateful_support import run_on

__all__ = ["workers"]

CA = SigningCa()
MARK = b"HOSTILE-MARK-7f3a"  # in every hostile file: never in an audit record


def _acting(name: bytes) -> bytes:
    action = b"5 0 obj << /S /" + name + b" >> endobj % " + MARK + b"\ntrailer"
    return sample(PDF, 700).replace(b"trailer", action)


_hostile = st.one_of(
    st.tuples(st.sampled_from([PNG, JPEG]), st.just(PDF)).map(lambda t: sample(t[0], 600) + MARK),  # another type
    st.binary(min_size=1, max_size=40).map(lambda b: sample(PDF, 800) + MARK + b),  # a file appended
    st.integers(1, 500).map(lambda n: sample(PDF, 900)[:n] + MARK),  # cut
    st.sampled_from([b"JavaScript", b"Launch", b"EmbeddedFile", b"J#61vaScript"]).map(
        lambda name: sample(PDF, 700).replace(
            b"trailer", b"5 0 obj << /S /" + name + b" >> endobj % " + MARK + b"\ntrailer"
        )
    ),
)


@pytest.fixture(autouse=True)
def _trust_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)


def _submitted(api: Api) -> tuple[str, str]:
    who, form = pseudonym(), new_registration()
    reply = api.call(
        "submit_application", body={"application": form, "signature": CA.sign(form)}, portal=who, headers=idem()
    )
    assert reply.status == 201, reply.body
    return who, str(reply.body["application_id"])


def _versions(api: Api, key: str) -> list[object]:
    s3 = boto3.client("s3", region_name=REGION)
    found = s3.list_object_versions(Bucket=api.resources.env["ATTACHMENTS_BUCKET"], Prefix=key)
    return [*found.get("Versions", []), *found.get("DeleteMarkers", [])]


def _refusals(api: Api) -> list[dict[str, Any]]:
    records = [json.loads(i["record"]["S"]) for i in api.items("AuditTable")]
    return [r for r in records if r.get("action") == "attachment_received" and r.get("outcome") == "rejected"]


def _missing(api: Api, who: str, application_id: str) -> list[str]:
    reply = api.call("get_my_application", params={"application_id": application_id}, portal=who)
    assert reply.status == 200, reply.body
    return list(reply.body["missing"])


def test_a_hostile_file_is_gone_unmarked_and_audited_by_rule(api: Api) -> None:
    who, application_id = _submitted(api)
    key = f"foundation/{application_id}/medical_certificate"
    seen = 0

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=_hostile)
    def each(body: bytes) -> None:
        nonlocal seen
        upload(api.resources.env["ATTACHMENTS_BUCKET"], key, PDF, body=body)
        seen += 1
        assert _versions(api, key) == []  # the version itself deleted: no copy left behind
        assert "attachment:medical_certificate" in _missing(api, who, application_id)
        refusals = _refusals(api)
        assert len(refusals) == seen
        assert refusals[-1]["detail"]["refused"] in set(AttachmentRefusal)
        assert MARK.decode() not in json.dumps(api.items("AuditTable"))

    each()


def test_a_refused_reupload_leaves_the_accepted_file_current(api: Api) -> None:
    who, application_id = _submitted(api)
    bucket, key = api.resources.env["ATTACHMENTS_BUCKET"], f"foundation/{application_id}/medical_certificate"
    good = sample(PDF, 2048)
    upload(bucket, key, PDF, body=good)
    assert "attachment:medical_certificate" not in _missing(api, who, application_id)

    upload(bucket, key, PDF, body=good + b"PK\x03\x04" + MARK)  # an archive appended
    current = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read()
    assert current == good
    assert len(_versions(api, key)) == 1
    assert "attachment:medical_certificate" not in _missing(api, who, application_id)
    assert [r["detail"]["refused"] for r in _refusals(api)] == [AttachmentRefusal.TRAILING_DATA]


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("text/html", b"<html><script>alert(1)</script></html>", AttachmentRefusal.CONTENT_TYPE),
        (PDF, sample(PDF, 10_000_001), AttachmentRefusal.SIZE),
    ],
)
def test_a_type_or_size_outside_the_rule_is_refused_unread(
    api: Api, content_type: str, body: bytes, reason: AttachmentRefusal
) -> None:
    _, application_id = _submitted(api)
    key = f"foundation/{application_id}/medical_certificate"
    upload(api.resources.env["ATTACHMENTS_BUCKET"], key, content_type, body=body)
    assert _versions(api, key) == []
    assert [r["detail"]["refused"] for r in _refusals(api)] == [reason]


def _refused_events(api: Api, application_id: str) -> list[dict[str, Any]]:
    events = [json.loads(i["body"]["S"]) for i in api.items("OutboxTable")]
    return [e for e in events if e["kind"] == ATTACHMENT_REFUSED and e["subject_id"] == application_id]


def test_the_applicant_is_told_once_per_refused_upload(api: Api, workers: Workers) -> None:
    who, application_id = _submitted(api)
    key = f"foundation/{application_id}/medical_certificate"
    upload(api.resources.env["ATTACHMENTS_BUCKET"], key, PDF, body=sample(PDF, 900)[:300] + MARK)
    workers.pump()
    inbox = api.call("list_notifications", portal=who).body["items"]
    refused = [i for i in inbox if i["kind"] == ATTACHMENT_REFUSED]
    assert len(refused) == 1 and "受け付けられませんでした" in refused[0]["subject"]
    assert MARK.decode() not in json.dumps(inbox, ensure_ascii=False)
    [event] = _refused_events(api, application_id)
    assert event["detail"]["refused"] == AttachmentRefusal.TRUNCATED and event["portal_pseudonym_id"] == who


def test_a_refusal_interrupted_before_the_delete_is_told_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The function dies after the refusal's transaction, before the delete: the redelivered
    event finds the upload again, tells nobody twice, and deletes it."""
    _, application_id = _submitted(api)
    bucket, key = api.resources.env["ATTACHMENTS_BUCKET"], f"foundation/{application_id}/medical_certificate"
    real_delete = S3Attachments.delete
    calls = 0

    def dies_once(self: S3Attachments, key: str, version_id: str | None = None) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the function's time ran out")
        real_delete(self, key, version_id)

    monkeypatch.setattr(S3Attachments, "delete", dies_once)
    with pytest.raises(RuntimeError):
        upload(bucket, key, PDF, body=sample(PDF, 900) + b"PK\x03\x04")
    redeliver(bucket, key)
    assert _versions(api, key) == []
    assert len(_refused_events(api, application_id)) == 1


class Uploads(RuleBasedStateMachine):
    """An applicant's uploads of one attachment in any order, honest or not, with redelivered
    events and a function that dies before its delete: what the bucket, the application and the
    outbox hold always follows from the uploads alone."""

    def __init__(self, api: Api) -> None:
        super().__init__()
        self.api = api
        self.who, self.application_id = _submitted(api)
        self.bucket = api.resources.env["ATTACHMENTS_BUCKET"]
        self.key = f"foundation/{self.application_id}/medical_certificate"
        self.accepted: bytes | None = None  # the last accepted upload's bytes
        self.refused = 0

    @rule(size=st.integers(0, 4000))
    def honest(self, size: int) -> None:
        data = sample(PDF, size)
        upload(self.bucket, self.key, PDF, body=data)
        self.accepted = data

    @rule(body=_hostile)
    def hostile(self, body: bytes) -> None:
        upload(self.bucket, self.key, PDF, body=body)
        self.refused += 1

    @rule(body=_hostile)
    def hostile_then_the_function_dies(self, body: bytes) -> None:
        def dies(store: S3Attachments, key: str, version_id: str | None = None) -> None:
            raise RuntimeError("the function's time ran out")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(S3Attachments, "delete", dies)
            with pytest.raises(RuntimeError):
                upload(self.bucket, self.key, PDF, body=body)
        self.refused += 1
        redeliver(self.bucket, self.key)  # the retry

    @rule()
    def redelivered(self) -> None:
        redeliver(self.bucket, self.key)

    @invariant()
    def follows_from_the_uploads(self) -> None:
        versions = _versions(self.api, self.key)
        missing = "attachment:medical_certificate" in _missing(self.api, self.who, self.application_id)
        assert missing == (self.accepted is None)
        if self.accepted is None:
            assert versions == []
        else:
            s3 = boto3.client("s3", region_name=REGION)
            assert s3.get_object(Bucket=self.bucket, Key=self.key)["Body"].read() == self.accepted
        assert len(_refused_events(self.api, self.application_id)) == self.refused


def test_any_sequence_of_uploads_leaves_what_the_uploads_say(api: Api) -> None:
    run_on(api, Uploads, examples=10, steps=8)
