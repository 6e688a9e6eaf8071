"""How long an application's personal data stays, and what the daily retention job reports.

An application waiting on the applicant (incomplete, or more information requested) that has not
moved for ``reminder_days`` gets one deficiency notice (documents overdue). If it still does not
move for ``abandoned_days`` after that notice, it counts as abandoned: its personal data, its
attachments and its pending My Number are deleted. An application waiting on staff (received) is
never deleted by this rule. A decided application goes ``APPLICATION_RETENTION_DAYS`` after the
decision (``expires_at``). docs/adr/0122-application-retention.md says why these periods.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from ahaki.intake.domain.application import Application, ApplicationKind
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.kernel.model import Frozen

WAITING_ON_APPLICANT = frozenset({ApplicationStatus.INCOMPLETE, ApplicationStatus.MORE_INFORMATION_REQUESTED})


class RetentionRule(StrEnum):
    ABANDONED = "abandoned_after_notice"  # undecided, the applicant told and silent since
    DECIDED = "decided_retention_elapsed"  # decided, and the retention after the decision is over


class RetentionPolicy(Frozen):
    reminder_days: int = Field(default=30, ge=1, le=3650)
    abandoned_days: int = Field(default=60, ge=1, le=3650)  # counted from the overdue notice

    @model_validator(mode="after")
    def _sensible(self) -> Self:
        if self.abandoned_days < 14:
            raise ValueError("abandoned_days must leave the applicant at least 14 days after the notice")
        return self


def reminder_due(application: Application, now: datetime, policy: RetentionPolicy) -> bool:
    return (
        application.status in WAITING_ON_APPLICANT
        and application.reminded_at is None
        and now - application.updated_at >= timedelta(days=policy.reminder_days)
    )


def purge_rule(application: Application, now: datetime, policy: RetentionPolicy) -> RetentionRule | None:
    """The rule under which the application's personal data goes now, if any."""
    if application.status in WAITING_ON_APPLICANT:
        told = application.reminded_at
        if told is not None and now - told >= timedelta(days=policy.abandoned_days):
            return RetentionRule.ABANDONED
        return None
    if application.expires_at is not None and application.expires_at <= now.timestamp():
        return RetentionRule.DECIDED
    return None


class DeletedApplication(Frozen):
    """One application whose personal data went: ids and codes only."""

    application_id: str
    kind: ApplicationKind
    status: ApplicationStatus
    rule: RetentionRule
    pending_my_number: bool  # a new registration's My Number left the vault with it
    attachments: int  # objects (all versions) deleted from the attachments bucket


class DeletionReport(Frozen):
    """What one daily run deleted in one tenant, and under which rule; no personal data."""

    report_id: str
    tenant_id: str
    ran_at: datetime
    policy: RetentionPolicy
    reminded: tuple[str, ...] = ()  # applications sent the documents-overdue notice
    deleted: tuple[DeletedApplication, ...] = ()

    def counts(self) -> dict[str, int]:
        counts = {f"applications_{rule.value}": 0 for rule in RetentionRule}
        for item in self.deleted:
            counts[f"applications_{item.rule.value}"] += 1
        counts["pending_my_numbers"] = sum(item.pending_my_number for item in self.deleted)
        counts["attachments"] = sum(item.attachments for item in self.deleted)
        counts["reminded"] = len(self.reminded)
        return counts
