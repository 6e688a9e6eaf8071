"""The daily retention job: the documents-overdue notice, then the deletion of an abandoned
application with its pending My Number and attachments, one transaction each, with a report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ahaki.intake.services import retention as application_retention
from ahaki.intake.wiring import retention_ports
from infra.sandbox.workers import Workers
from tests.intake_data import new_registration, pseudonym
from tests.integration.conftest import Api
from tests.integration.intake.test_intake_api import CA, app_params, bucket, complete, pending_items, submit
from tests.integration.notifications_support import workers

__all__ = ["workers"]


@pytest.fixture(autouse=True)
def _trust_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)


def _run(days: float) -> dict[str, Any]:
    [report] = application_retention.run(retention_ports(), datetime.now(UTC) + timedelta(days=days), ("foundation",))
    return {"reminded": list(report.reminded), "deleted": report.deleted, "counts": report.counts()}


def _abandoned(api: Api) -> tuple[str, str]:
    """A new registration with its certificate uploaded but never paid: waiting on the applicant."""
    who = pseudonym()
    reply = submit(api, who, new_registration())
    assert reply.status == 201, reply.body
    app_id = str(reply.body["application_id"])
    complete(api, who, app_id, ["medical_certificate"])
    return who, app_id


def _audit_actions(api: Api) -> list[str]:
    return [json.loads(i["record"]["S"])["action"] for i in api.items("AuditTable")]


def test_an_abandoned_application_is_told_then_deleted_with_its_pending_my_number(api: Api) -> None:
    _, app_id = _abandoned(api)
    assert _run(29)["reminded"] == []
    assert _run(30)["reminded"] == [app_id]
    assert _run(31)["reminded"] == []  # once per waiting period
    kinds = [json.loads(i["body"]["S"])["kind"] for i in api.items("OutboxTable")]
    assert kinds.count("application.documents_overdue") == 1
    assert _run(30 + 59)["deleted"] == ()  # the applicant has 60 days after the notice

    gone = _run(30 + 60)
    [deleted] = gone["deleted"]
    assert deleted.application_id == app_id and deleted.rule.value == "abandoned_after_notice"
    assert deleted.pending_my_number is True and deleted.attachments == 1
    assert gone["counts"]["applications_abandoned_after_notice"] == 1 and gone["counts"]["pending_my_numbers"] == 1
    assert [i for i in api.items("ApplicationsTable") if i["sk"]["S"] == "APPLICATION"] == []
    assert pending_items(api) == []
    assert retention_ports().intake.attachments.fetch(f"foundation/{app_id}/medical_certificate", 0) is None
    assert "purge_application" in _audit_actions(api) and "retention_report" in _audit_actions(api)

    again = _run(30 + 60)  # a retried firing of the same day: nothing twice, the report unchanged
    assert [d.application_id for d in again["deleted"]] == [app_id]
    assert again["counts"] == gone["counts"]


def test_an_application_waiting_on_staff_is_never_deleted(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], fee=9000)
    assert _run(30)["reminded"] == [] and _run(3650)["deleted"] == ()
    assert len(pending_items(api)) == 1


def test_the_applicant_acting_after_the_notice_starts_the_wait_again(api: Api) -> None:
    who, app_id = _abandoned(api)
    assert _run(30)["reminded"] == [app_id]
    paid = api.call("record_payment", params=app_params(app_id), body={"amount": 9000, "reference": "p"}, portal=who)
    assert paid.status == 200 and paid.body["status"] == "received"
    assert _run(30 + 60)["deleted"] == ()
    assert len(pending_items(api)) == 1


def test_a_decided_application_goes_when_its_retention_is_over(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    rejected = api.call(
        "reject_application", params=app_params(app_id), body={"reason": "合格が確認できません"}, role="approver"
    )
    assert rejected.status == 200, rejected.body
    assert _run(89)["deleted"] == ()
    [deleted] = _run(91)["deleted"]
    assert deleted.rule.value == "decided_retention_elapsed" and deleted.pending_my_number is False


def test_the_overdue_notice_says_the_documents_are_deficient(api: Api, workers: Workers) -> None:
    who, _ = _abandoned(api)
    _run(30)
    workers.pump()
    newest = api.call("list_notifications", portal=who).body["items"][0]
    assert newest["kind"] == "application.documents_overdue"
    assert newest["subject"].endswith("申請書類に不備があります")


def test_staff_read_the_reports_through_the_api(api: Api) -> None:
    _, app_id = _abandoned(api)
    _run(30)
    _run(90)
    listed = api.call("list_retention_reports", role="operator")
    assert listed.status == 200, listed.body
    newest = listed.body["items"][0]
    assert newest["totals"]["applications_abandoned_after_notice"] == 1
    assert [d["application_id"] for d in newest["deleted"]] == [app_id]
    one = api.call("get_retention_report", newest["report_id"], role="auditor")
    assert one.status == 200 and one.body["report_id"] == newest["report_id"]
    assert api.call("list_retention_reports", role="viewer").status == 403
    assert api.call("get_retention_report", newest["report_id"], tenant="other").status == 404
    assert bucket(api)


def test_the_scheduled_event_runs_the_job_through_its_handler(api: Api) -> None:
    from functions.application_retention.handler import lambda_handler
    from infra.sandbox.events import FakeLambdaContext
    from infra.sandbox.sample_events import EVENTS_DIR

    event = json.loads((EVENTS_DIR / "application_retention" / "daily_schedule.json").read_text(encoding="utf-8"))
    result = lambda_handler(event, FakeLambdaContext())  # type: ignore[arg-type]
    [report] = result["reports"]
    assert (report["tenant_id"], report["report_id"]) == ("foundation", "2026-12-01")
    assert report["reminded"] == 0 and report["applications_abandoned_after_notice"] == 0
    assert api.call("get_retention_report", "2026-12-01", role="operator").status == 200
