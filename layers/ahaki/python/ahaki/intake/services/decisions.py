"""Staff decisions on applications. An approval joins the register operation's own transaction
(registry.register_sealed / change with ``also``), so a failed approval changes neither the
register nor the application; a rejection drops a new registration's pending My Number in the
same transaction as the decision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from ahaki.intake.domain.application import (
    Application,
    ApplicationKind,
    CertificateReissueForm,
    CertificateRewriteForm,
    CorrectionForm,
    DeathReportForm,
    Decision,
    ErasureRequestForm,
    NewRegistrationDetails,
    require_decidable,
    require_open,
)
from ahaki.intake.domain.commands import (
    Approval,
    Rejection,
)
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.intake.services.application_records import record
from ahaki.intake.services.ports import IntakePorts
from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import record_refusal
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidState, NotFound, SeparationOfDuties
from ahaki.kernel.retry import retrying
from ahaki.registry.domain.commands import (
    CertificateReissueRequest,
    CertificateRewriteRequest,
    Correction,
    ErasureRequest,
    RegistrationDetails,
)
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import ErasureReason, Registrant
from ahaki.registry.services import registry
from ahaki.registry.services.ports import UnitOfWork


def approve(ip: IntakePorts, caller: Caller, application_id: str, approval: Approval) -> Application:
    """Runs the register operation and the application's decision in one transaction."""
    ports = ip.register
    application = ip.applications.get(caller.tenant_id, application_id)
    if application is None:
        record_refusal(ports, caller, "approve_application", Outcome.NOT_FOUND, None)
        raise NotFound("no such application")
    require_decidable(application, "approval")
    if application.last_edited_by == caller.actor_id:
        raise SeparationOfDuties("you last edited this application; another approver must decide it")
    decided = _decided(ip, caller, application, "approved", approval.note)

    def also(uow: UnitOfWork, registrant: Registrant) -> None:
        writes = ip.application_writes(uow)
        writes.put_application(decided)
        if application.kind is ApplicationKind.NEW_REGISTRATION:
            writes.drop_pending_my_number(caller.tenant_id, application.subject_id)
        record(ip, uow, caller, decided, "approve_application")

    form = application.form
    if isinstance(form, NewRegistrationDetails):
        sealed = ip.vault.pending(caller.tenant_id, application.subject_id)
        if sealed is None:
            raise InvalidState("the vault holds no pending My Number for this application")
        details = RegistrationDetails(
            qualification=form.qualification,
            portal_pseudonym_id=application.portal_pseudonym_id,
            name=form.name,
            name_kana=form.name_kana,
            sex=form.sex,
            birth_date=form.birth_date,
            origin=form.origin,
            exam_passed_in=form.exam_passed_in,
            address=form.address,
            minister_name=approval.minister_name,
            chair_name=approval.chair_name,
        )
        registry.register_sealed(ports, caller, details, sealed, also)
    else:
        operation, command = _register_change(form)
        registry.change(ports, caller, application.subject_id, operation, command, None, also)
    return decided


def reject(ip: IntakePorts, caller: Caller, application_id: str, rejection: Rejection) -> Application:
    """Rejected: a new registration's pending My Number leaves the vault in the same transaction."""
    application = ip.applications.get(caller.tenant_id, application_id)
    if application is None:
        raise NotFound("no such application")
    require_open(application, "a rejection")
    decided = _decided(ip, caller, application, "rejected", rejection.reason)

    def attempt() -> Application:
        uow = ip.register.unit_of_work()
        writes = ip.application_writes(uow)
        writes.put_application(decided)
        if application.kind is ApplicationKind.NEW_REGISTRATION:
            writes.drop_pending_my_number(caller.tenant_id, application.subject_id)
        record(ip, uow, caller, decided, "reject_application")
        uow.commit()
        return decided

    return retrying(attempt)


def _register_change(form: Any) -> tuple[Operation, BaseModel]:
    if isinstance(form, CorrectionForm):
        items = {k: getattr(form, k) for k in ("name", "name_kana", "origin") if getattr(form, k) is not None}
        return Operation.CORRECT, Correction(**items, reason=form.reason)
    if isinstance(form, CertificateRewriteForm):
        return Operation.REWRITE_CERTIFICATE, CertificateRewriteRequest(reason=form.reason)
    if isinstance(form, CertificateReissueForm):
        return Operation.REISSUE_CERTIFICATE, CertificateReissueRequest(reason=form.reason)
    if isinstance(form, ErasureRequestForm):
        return Operation.ERASE, ErasureRequest(reason=ErasureReason.ON_REQUEST, note=form.note)
    assert isinstance(form, DeathReportForm)
    note = f"死亡届出 (死亡日 {form.date_of_death.isoformat()}, 届出人: {form.relationship.value})"
    return Operation.ERASE, ErasureRequest(reason=ErasureReason.DEATH, note=note)


def _decided(
    ip: IntakePorts, caller: Caller, application: Application, outcome: str, reason: str | None
) -> Application:
    now = ip.register.clock()
    expires = int((now + timedelta(days=ip.retention_days)).timestamp())
    status = ApplicationStatus.APPROVED if outcome == "approved" else ApplicationStatus.REJECTED
    return application.model_copy(
        update={
            "status": status,
            "decision": Decision(outcome=status.value, reason=reason, decided_by=caller.actor_id, decided_at=now),
            "expires_at": expires,
            "updated_at": now,
            "version": application.version + 1,
        }
    )
