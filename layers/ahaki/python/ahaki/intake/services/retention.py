"""The daily retention job of online applications, and the deletion reports staff read.

Per application, one DynamoDB transaction: the documents-overdue notice (the application, its
audit record and the outbox event), or the deletion (the application item, its pending My Number
in the vault and the audit record naming the rule). Attachments are deleted from S3 first: should
the transaction then fail, the application is still due and the next run deletes it. Every write
is conditional on the version read, so a retried run does nothing twice; the day's report per
tenant merges what each attempt did.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from ahaki.intake.domain.application import Application, ApplicationKind
from ahaki.intake.domain.events import DOCUMENTS_OVERDUE
from ahaki.intake.domain.retention import (
    DeletedApplication,
    DeletionReport,
    RetentionPolicy,
    RetentionRule,
    purge_rule,
    reminder_due,
)
from ahaki.intake.services.application_records import application_chain, application_event
from ahaki.intake.services.ports import IntakePorts, RetentionReports
from ahaki.kernel.audit import Outcome, append
from ahaki.kernel.auditing import audit_alone, audit_entry, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidState, NotFound
from ahaki.kernel.retry import retrying

ACTOR = "system:retention"


@dataclass(frozen=True)
class RetentionPorts:
    intake: IntakePorts
    reports: RetentionReports
    policy: RetentionPolicy


def run(rp: RetentionPorts, now: datetime, tenants: tuple[str, ...] = ()) -> list[DeletionReport]:
    """One daily run. ``tenants`` get a report even when nothing was due (proof the job ran)."""
    report_id = now.strftime("%Y-%m-%d")  # one report per tenant and day: a retry adds to it
    reminded: dict[str, list[str]] = defaultdict(list)
    deleted: dict[str, list[DeletedApplication]] = defaultdict(list)
    for application in rp.intake.applications.retention_candidates(now):
        tenant = application.tenant_id
        caller = Caller(ACTOR, "system", tenant, f"retention:{report_id}")
        if reminder_due(application, now, rp.policy):
            if _remind(rp, caller, application, now):
                reminded[tenant].append(application.application_id)
            continue
        rule = purge_rule(application, now, rp.policy)
        if rule is not None:
            done = _purge(rp, caller, application, rule)
            if done is not None:
                deleted[tenant].append(done)
    reports = []
    for tenant in sorted({*tenants, *reminded, *deleted}):
        report = _merged(rp, tenant, report_id, now, reminded[tenant], deleted[tenant])
        rp.reports.save(report)
        caller = Caller(ACTOR, "system", tenant, f"retention:{report_id}")
        entry = audit_entry(
            rp.intake.register,
            caller,
            "retention_report",
            detail={"report_id": report_id, **report.counts()},
        )
        audit_alone(rp.intake.register, shard_chain(tenant, rp.intake.register.audit_shards), entry)
        reports.append(report)
    return reports


def _remind(rp: RetentionPorts, caller: Caller, application: Application, now: datetime) -> bool:
    """The documents-overdue notice (申請書類に不備があります), once per waiting period."""
    ports = rp.intake.register
    updated = application.model_copy(update={"reminded_at": now, "updated_at": now, "version": application.version + 1})

    def attempt() -> None:
        uow = ports.unit_of_work()
        writes = rp.intake.application_writes(uow)
        writes.put_application(updated)
        chain = application_chain(application.tenant_id, application.application_id)
        entry = audit_entry(
            ports,
            caller,
            "documents_overdue_notice",
            subject=application.subject_id,
            detail={"application_id": application.application_id, "version": updated.version},
        )
        uow.audit(append(ports.audit.head(chain), entry))
        uow.emit(application_event(ports.new_id(), updated).model_copy(update={"kind": DOCUMENTS_OVERDUE}))
        uow.commit()

    try:
        retrying(attempt)
    except InvalidState:  # the applicant acted meanwhile: the application is looked at again tomorrow
        return False
    return True


def _purge(
    rp: RetentionPorts, caller: Caller, application: Application, rule: RetentionRule
) -> DeletedApplication | None:
    ip, tenant = rp.intake, application.tenant_id
    attachments = ip.attachments.delete_prefix(f"{tenant}/{application.application_id}/")
    new_registration = application.kind is ApplicationKind.NEW_REGISTRATION
    pending = new_registration and ip.vault.pending(tenant, application.subject_id) is not None
    done = DeletedApplication(
        application_id=application.application_id,
        kind=application.kind,
        status=application.status,
        rule=rule,
        pending_my_number=pending,
        attachments=attachments,
    )

    def attempt() -> None:
        uow = ip.register.unit_of_work()
        writes = ip.application_writes(uow)
        writes.delete_application(application)
        if new_registration:
            writes.drop_pending_my_number(tenant, application.subject_id, must_exist=False)
        chain = application_chain(tenant, application.application_id)
        entry = audit_entry(
            ip.register,
            caller,
            "purge_application",
            subject=application.subject_id,
            detail=done.model_dump(mode="json"),
        )
        uow.audit(append(ip.register.audit.head(chain), entry))
        uow.commit()

    try:
        retrying(attempt)
    except InvalidState:  # changed since it was read: looked at again tomorrow
        return None
    return done


def _merged(
    rp: RetentionPorts,
    tenant: str,
    report_id: str,
    now: datetime,
    reminded: list[str],
    deleted: list[DeletedApplication],
) -> DeletionReport:
    earlier = rp.reports.get(tenant, report_id)
    if earlier is None:
        return DeletionReport(
            report_id=report_id,
            tenant_id=tenant,
            ran_at=now,
            policy=rp.policy,
            reminded=tuple(reminded),
            deleted=tuple(deleted),
        )
    return earlier.model_copy(
        update={
            "reminded": tuple(dict.fromkeys((*earlier.reminded, *reminded))),
            "deleted": (*earlier.deleted, *(d for d in deleted if d not in earlier.deleted)),
        }
    )


# -- staff ------------------------------------------------------------------------------------------


def recent_reports(rp: RetentionPorts, caller: Caller, limit: int) -> list[DeletionReport]:
    found = rp.reports.recent(caller.tenant_id, limit)
    _audit_read(rp, caller, "list_retention_reports", tuple(r.report_id for r in found))
    return found


def get_report(rp: RetentionPorts, caller: Caller, report_id: str) -> DeletionReport:
    found = rp.reports.get(caller.tenant_id, report_id)
    _audit_read(rp, caller, "get_retention_report", (report_id,) if found else ())
    if found is None:
        raise NotFound("no such retention report")
    return found


def _audit_read(rp: RetentionPorts, caller: Caller, action: str, reports: tuple[str, ...]) -> None:
    ports = rp.intake.register
    entry = audit_entry(ports, caller, action, Outcome.ALLOWED, detail={"reports": ",".join(reports)})
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
