"""The retention rules of applications, as pure functions: when the overdue notice is due, when an
application's personal data goes, and what the report counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from ahaki.intake.domain.application import Application, Payment, SignatureCheck
from ahaki.intake.domain.retention import (
    DeletedApplication,
    DeletionReport,
    RetentionPolicy,
    purge_rule,
    reminder_due,
)
from ahaki.intake.domain.status import ApplicationStatus

POLICY = RetentionPolicy()
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _application(status: str, **changes: object) -> Application:
    return Application.model_validate(
        {
            "tenant_id": "foundation",
            "application_id": "a-1",
            "kind": "certificate_rewrite",
            "portal_pseudonym_id": "pp-1",
            "form": {"kind": "certificate_rewrite", "reason": "氏名の変更"},
            "subject_id": "q-1",
            "status": status,
            "submitted_at": T0,
            "updated_at": T0,
            "payment": Payment(state="unpaid"),
            "signature": SignatureCheck(status="absent"),
            **changes,
        }
    )


@pytest.mark.parametrize("status", ["incomplete", "more_information_requested"])
def test_the_notice_is_due_after_the_reminder_days_once(status: str) -> None:
    waiting = _application(status)
    assert not reminder_due(waiting, T0 + timedelta(days=30) - timedelta(seconds=1), POLICY)
    assert reminder_due(waiting, T0 + timedelta(days=30), POLICY)
    told = _application(status, reminded_at=T0 + timedelta(days=30))
    assert not reminder_due(told, T0 + timedelta(days=300), POLICY)


def test_only_a_told_application_is_abandoned_and_only_after_the_days_since_the_notice() -> None:
    told_at = T0 + timedelta(days=30)
    assert purge_rule(_application("incomplete"), T0 + timedelta(days=3650), POLICY) is None  # never told
    told = _application("incomplete", reminded_at=told_at, updated_at=told_at)
    assert purge_rule(told, told_at + timedelta(days=60) - timedelta(seconds=1), POLICY) is None
    assert purge_rule(told, told_at + timedelta(days=60), POLICY) == "abandoned_after_notice"


@pytest.mark.parametrize("status", ["received", "approved", "rejected"])
def test_applications_not_waiting_on_the_applicant_are_never_abandoned(status: str) -> None:
    application = _application(status, reminded_at=T0)
    assert not reminder_due(application, T0 + timedelta(days=3650), POLICY)
    assert purge_rule(application, T0 + timedelta(days=3650), POLICY) is None


def test_a_decided_application_goes_when_its_expiry_is_reached() -> None:
    expires = int((T0 + timedelta(days=90)).timestamp())
    decided = _application("approved", expires_at=expires)
    assert purge_rule(decided, T0 + timedelta(days=90) - timedelta(seconds=1), POLICY) is None
    assert purge_rule(decided, T0 + timedelta(days=90), POLICY) == "decided_retention_elapsed"


def test_the_report_counts_per_rule() -> None:
    gone = [
        DeletedApplication(
            application_id=f"a-{n}",
            kind="new_registration",
            status=ApplicationStatus.INCOMPLETE,
            rule=rule,
            pending_my_number=rule == "abandoned_after_notice",
            attachments=n,
        )
        for n, rule in enumerate(["abandoned_after_notice", "abandoned_after_notice", "decided_retention_elapsed"])
    ]
    report = DeletionReport(
        report_id="2026-12-01", tenant_id="foundation", ran_at=T0, policy=POLICY, deleted=tuple(gone)
    )
    assert report.counts() == {
        "applications_abandoned_after_notice": 2,
        "applications_decided_retention_elapsed": 1,
        "pending_my_numbers": 2,
        "attachments": 3,
        "reminded": 0,
    }


def test_the_applicant_keeps_at_least_two_weeks_after_the_notice() -> None:
    with pytest.raises(ValidationError):
        RetentionPolicy(abandoned_days=13)
