"""Use cases of online intake: the portal submits, staff review and decide.

Every state change of an application is one DynamoDB transaction: the application item, its audit
record and its outbox event (and, for a new registration, the pending My Number in the vault). A
decision joins the register operation's own transaction (registry.register_sealed / change with
``also``), so a failed approval changes neither the register nor the application.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from ahaki.intake.domain import signature as signatures
from ahaki.intake.domain.application import (
    ATTACHMENT_RULES,
    FEES,
    MAX_ATTACHMENTS,
    REQUIRED_ATTACHMENTS,
    Application,
    ApplicationKind,
    ApplicationStatus,
    CertificateReissueForm,
    CertificateRewriteForm,
    CorrectionForm,
    DeathReportForm,
    Decision,
    ErasureRequestForm,
    NewRegistrationDetails,
    NewRegistrationForm,
    Payment,
    PaymentState,
    SignatureCheck,
    after_arrival,
    initial_status,
    late_death_report,
    require_decidable,
    require_open,
    stored_form,
)
from ahaki.intake.domain.commands import (
    Approval,
    AttachmentRequest,
    Edit,
    InformationRequest,
    PaymentNotification,
    QueueQuery,
    Rejection,
    Submission,
)
from ahaki.intake.domain.events import application_kind
from ahaki.intake.services.ports import IntakePorts
from ahaki.kernel.audit import Outcome, append
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidInput, InvalidState, NotFound, SeparationOfDuties
from ahaki.kernel.outbox import OutboxEvent
from ahaki.kernel.retry import retrying
from ahaki.kernel.values import JST
from ahaki.registry.domain.commands import (
    CertificateReissueRequest,
    CertificateRewriteRequest,
    Correction,
    ErasureRequest,
    RegistrationDetails,
)
from ahaki.registry.domain.history import Operation
from ahaki.registry.domain.registrant import ErasureReason, Registrant
from ahaki.registry.services import registry
from ahaki.registry.services.ports import UnitOfWork

UPLOAD_URL_SECONDS = 900
_APPLICATION_IDS = uuid.UUID("6f1c9a52-3b0e-4f7e-9d35-2a8e1f0c4b71")  # namespace of derived application ids
SYSTEM = Caller("system:attachments", "system", "-", "-")


def application_chain(tenant_id: str, application_id: str) -> str:
    return f"T#{tenant_id}#APP#{application_id}"


def attachment_key(tenant_id: str, application_id: str, attachment_type: str) -> str:
    return f"{tenant_id}/{application_id}/{attachment_type}"


# -- the portal -------------------------------------------------------------------------------------


def submit(
    ip: IntakePorts,
    caller: Caller,
    submission: Submission,
    raw_application: Any,
    application_id: str | None = None,
) -> Application:
    """A new application. Everything is checked before anything is written; then one transaction.

    ``application_id`` derived from the idempotency key makes the write itself idempotent: should
    the idempotency record's lease run out while a first attempt still commits (a timed-out
    Lambda), the second attempt finds the application instead of creating another."""
    ports, form = ip.register, submission.application
    now = ports.clock()
    check = SignatureCheck(status="absent")
    if submission.signature is not None:
        check = signatures.verify(submission.signature, raw_application, ip.trust_anchors(), now)
    assert caller.portal_pseudonym_id is not None  # the portal authorizer guarantees it
    sealed = None
    if isinstance(form, NewRegistrationForm):
        subject = ports.new_id()
        sealed = ip.vault.seal(caller.tenant_id, form.qualification, subject, form.my_number)
    else:
        subject = _subject_of(ip, caller, form)
    kind = ApplicationKind(form.kind)
    stored = stored_form(form)
    application = Application(
        tenant_id=caller.tenant_id,
        application_id=application_id or ports.new_id(),
        kind=kind,
        portal_pseudonym_id=caller.portal_pseudonym_id,
        form=stored,
        subject_id=subject,
        status=ApplicationStatus.INCOMPLETE,
        submitted_at=now,
        updated_at=now,
        required_attachments=REQUIRED_ATTACHMENTS[kind],
        payment=Payment(state=PaymentState.UNPAID) if kind in FEES else Payment(state=PaymentState.NOT_REQUIRED),
        signature=check,
        late=late_death_report(stored, now.astimezone(JST).date()),
    )
    application = application.model_copy(update={"status": initial_status(application.missing_items())})

    def attempt() -> Application:
        uow = ports.unit_of_work()
        writes = ip.application_writes(uow)
        writes.put_application(application)
        if sealed is not None:
            writes.hold_pending_my_number(sealed)
        _record(ip, uow, caller, application, "submit_application")
        try:
            uow.commit()
        except InvalidState:  # the id is taken: by this applicant's earlier attempt, or refused
            existing = ip.applications.get(caller.tenant_id, application.application_id)
            if existing is None or existing.portal_pseudonym_id != caller.portal_pseudonym_id:
                raise
            return existing
        return application

    return retrying(attempt)


def application_id_for(tenant_id: str, portal_pseudonym_id: str, idempotency_key: str) -> str:
    return str(uuid.uuid5(_APPLICATION_IDS, f"{tenant_id}|{portal_pseudonym_id}|{idempotency_key}"))


def _subject_of(ip: IntakePorts, caller: Caller, form: Any) -> str:
    reader, tenant = ip.register.reader, caller.tenant_id
    if isinstance(form, DeathReportForm):
        found = reader.by_registration_number(tenant, form.qualification, form.registration_number)
        if found is None or found.name_kana != form.name_kana or found.birth_date != form.birth_date:
            raise InvalidInput(
                "application.registration_number",
                "no registrant matches this registration number, kana name and birth date",
            )
        return found.qualification_pseudonym_id
    assert caller.portal_pseudonym_id is not None
    registrant = reader.by_portal_pseudonym(tenant, caller.portal_pseudonym_id)
    if registrant is None:
        raise InvalidInput("application.kind", "no registrant is linked to the applicant's portal pseudonym")
    return registrant.qualification_pseudonym_id


def mine(ip: IntakePorts, caller: Caller, application_id: str) -> Application:
    """One of the caller's own applications; another pseudonym's is simply not found."""
    found = ip.applications.get(caller.tenant_id, application_id)
    if found is None or found.portal_pseudonym_id != caller.portal_pseudonym_id:
        record_refusal(ip.register, caller, "get_my_application", Outcome.NOT_FOUND, None)
        raise NotFound("no such application")
    _audit_read(ip, caller, "get_my_application", found)
    return found


def list_mine(ip: IntakePorts, caller: Caller) -> list[Application]:
    assert caller.portal_pseudonym_id is not None
    found = ip.applications.of_applicant(caller.tenant_id, caller.portal_pseudonym_id, 100)
    entry = audit_entry(
        ip.register, caller, "list_my_applications", Outcome.ALLOWED, subjects=tuple(a.application_id for a in found)
    )
    audit_alone(ip.register, shard_chain(caller.tenant_id, ip.register.audit_shards), entry)
    return found


def upload_url(ip: IntakePorts, caller: Caller, application_id: str, request: AttachmentRequest) -> tuple[str, str]:
    """A presigned PUT for one attachment the application still needs (type, size, count checked)."""
    application = mine(ip, caller, application_id)
    require_open(application, "an attachment")
    rule = ATTACHMENT_RULES.get(request.type)
    if rule is None or request.type not in application.required_attachments:
        raise InvalidInput("type", "is not an attachment this application needs")
    if request.content_type not in rule.content_types:
        raise InvalidInput("content_type", f"must be one of {', '.join(sorted(rule.content_types))}")
    if request.size > rule.max_bytes:
        raise InvalidInput("size", f"must be at most {rule.max_bytes} bytes")
    if len(application.required_attachments) > MAX_ATTACHMENTS:
        raise InvalidInput("type", f"an application takes at most {MAX_ATTACHMENTS} attachments")
    key = attachment_key(caller.tenant_id, application_id, request.type)
    return ip.attachments.upload_url(key, request.content_type, request.size, UPLOAD_URL_SECONDS), key


def attachment_arrived(ip: IntakePorts, key: str) -> Application | None:
    """The S3 event of an uploaded object: checks it and marks the declared attachment received.

    An object that breaks its rule (type, size) or belongs to no open application is deleted.
    """
    parts = key.split("/")
    if len(parts) != 3:
        ip.attachments.delete(key)
        return None
    tenant, application_id, attachment_type = parts
    caller = Caller("system:attachments", "system", tenant, f"s3:{application_id}")
    application = ip.applications.get(tenant, application_id)
    head = ip.attachments.head(key)
    rule = ATTACHMENT_RULES.get(attachment_type)
    acceptable = (
        application is not None
        and head is not None
        and rule is not None
        and attachment_type in application.required_attachments
        and application.status.value in {"incomplete", "received", "more_information_requested"}
        and head[0] in rule.content_types
        and head[1] <= rule.max_bytes
    )
    if not acceptable or application is None:
        ip.attachments.delete(key)
        record_refusal(ip.register, caller, "attachment_received", Outcome.REJECTED, None)
        return None
    if attachment_type in application.received_attachments:
        return application  # a re-upload replaces the object; nothing else changes
    received = (*application.received_attachments, attachment_type)
    return _save(ip, caller, application, "attachment_received", received_attachments=received)


def record_payment(ip: IntakePorts, caller: Caller, application_id: str, payment: PaymentNotification) -> Application:
    application = mine(ip, caller, application_id)
    require_open(application, "a payment")
    if application.payment.state is not PaymentState.UNPAID:
        raise InvalidState("this application has no fee to pay", payment_state=application.payment.state.value)
    if payment.amount != FEES[application.kind]:
        raise InvalidInput("amount", f"must be the fee of this procedure ({FEES[application.kind]} yen)")
    paid = Payment(
        state=PaymentState.PAID, amount=payment.amount, reference=payment.reference, paid_at=ip.register.clock()
    )
    return _save(ip, caller, application, "record_payment", payment=paid)


# -- staff ------------------------------------------------------------------------------------------


def queue(ip: IntakePorts, caller: Caller, query: QueueQuery) -> list[Application]:
    kinds = [query.kind] if query.kind is not None else list(ApplicationKind)
    found = ip.applications.queue(caller.tenant_id, query.status, kinds, query.limit)
    entry = audit_entry(
        ip.register, caller, "application_queue", Outcome.ALLOWED, subjects=tuple(a.application_id for a in found)
    )
    audit_alone(ip.register, shard_chain(caller.tenant_id, ip.register.audit_shards), entry)
    return found


def get(ip: IntakePorts, caller: Caller, application_id: str, action: str = "get_application") -> Application:
    found = ip.applications.get(caller.tenant_id, application_id)
    if found is None:
        record_refusal(ip.register, caller, action, Outcome.NOT_FOUND, None)
        raise NotFound("no such application")
    _audit_read(ip, caller, action, found)
    return found


@dataclass(frozen=True)
class Match:
    """突合: what staff need to decide, as ids and item names plus the two values side by side."""

    application_id: str
    registrant_id: str | None
    registrant_status: str | None
    differences: dict[str, dict[str, Any]]
    duplicate_my_number_holder: str | None
    same_kana_and_birth_date: list[str]
    # A new registration from a pseudonym already linked to a registrant cannot be approved.
    portal_pseudonym_holder: str | None = None


def match(ip: IntakePorts, caller: Caller, application_id: str) -> Match:
    application = get(ip, caller, application_id, "match_application")
    reader, tenant, form = ip.register.reader, caller.tenant_id, application.form
    if isinstance(form, NewRegistrationDetails):
        pending = ip.vault.pending(tenant, application.subject_id)
        holder = ip.vault.holder_of_index(tenant, form.qualification, pending.blind_index) if pending else None
        same = reader.by_kana_birth(tenant, form.qualification, form.name_kana, form.birth_date, 20)
        linked = reader.portal_pseudonym_holder(tenant, application.portal_pseudonym_id)
        return Match(application_id, None, None, {}, holder, [r.qualification_pseudonym_id for r in same], linked)
    registrant = reader.get(tenant, application.subject_id)
    differences: dict[str, dict[str, Any]] = {}
    if registrant is not None and isinstance(form, CorrectionForm):
        for item in ("name", "name_kana", "origin"):
            wanted = getattr(form, item)
            current = getattr(registrant, item)
            if wanted is not None and wanted != current:
                differences[item] = {
                    "current": current.model_dump(mode="json"),
                    "requested": wanted.model_dump(mode="json"),
                }
    status = registrant.effective_status(ip.register.clock().astimezone(JST).date()).value if registrant else None
    return Match(application_id, application.subject_id, status, differences, None, [])


def edit(
    ip: IntakePorts, caller: Caller, application_id: str, change: Edit, expected_version: int | None
) -> Application:
    application = ip.applications.get(caller.tenant_id, application_id)
    if application is None:
        raise NotFound("no such application")
    require_open(application, "an edit")
    if expected_version is not None and expected_version != application.version:
        raise InvalidState(
            "the application was changed by someone else; reload it", current_version=application.version
        )
    if change.form.kind != application.kind:
        raise InvalidInput("form.kind", "must stay the kind of the application")
    return _save(ip, caller, application, "edit_application", form=change.form, last_edited_by=caller.actor_id)


def request_more_information(
    ip: IntakePorts, caller: Caller, application_id: str, request: InformationRequest
) -> Application:
    application = ip.applications.get(caller.tenant_id, application_id)
    if application is None:
        raise NotFound("no such application")
    require_open(application, "a request for more information")
    unknown = [a for a in request.attachments if a not in ATTACHMENT_RULES]
    if unknown:
        raise InvalidInput("attachments", "holds an unknown attachment type")  # never the value sent
    required = tuple(dict.fromkeys((*application.required_attachments, *request.attachments)))
    if len(required) > MAX_ATTACHMENTS:
        raise InvalidInput("attachments", f"an application takes at most {MAX_ATTACHMENTS} attachments")
    received = tuple(a for a in application.received_attachments if a not in request.attachments)
    return _save(
        ip,
        caller,
        application,
        "request_more_information",
        status=ApplicationStatus.MORE_INFORMATION_REQUESTED,
        information_request=request.reason,
        required_attachments=required,
        received_attachments=received,
        auto_complete=False,
        always_emit=True,  # every request is announced, also a second one while the first is open
    )


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
        _record(ip, uow, caller, decided, "approve_application")

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
        _record(ip, uow, caller, decided, "reject_application")
        uow.commit()
        return decided

    return retrying(attempt)


def purge_expired(ip: IntakePorts, now: datetime) -> int:
    """What DynamoDB TTL and the S3 lifecycle do after the retention period, done on demand (and
    the daily backstop): the application's personal data and attachments go; the register and
    the audit trail keep what they need."""
    purged = 0
    for tenant, application_id in ip.applications.expired(now):
        ip.attachments.delete_prefix(f"{tenant}/{application_id}/")
        ip.applications.delete(tenant, application_id)
        caller = Caller("system:retention", "system", tenant, f"retention:{application_id}")
        entry = audit_entry(
            ip.register, caller, "purge_application", Outcome.ALLOWED, detail={"application_id": application_id}
        )
        audit_alone(ip.register, application_chain(tenant, application_id), entry)
        purged += 1
    return purged


# -- helpers ----------------------------------------------------------------------------------------


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


def _save(
    ip: IntakePorts,
    caller: Caller,
    application: Application,
    action: str,
    *,
    auto_complete: bool = True,
    always_emit: bool = False,
    **changes: Any,
) -> Application:
    now = ip.register.clock()
    if auto_complete:
        updated = after_arrival(application, now, **changes)
    else:
        updated = application.model_copy(
            update={"reminded_at": None, **changes, "updated_at": now, "version": application.version + 1}
        )

    def attempt() -> Application:
        uow = ip.register.unit_of_work()
        writes = ip.application_writes(uow)
        writes.put_application(updated)
        _record(ip, uow, caller, updated, action, emit=always_emit or updated.status is not application.status)
        uow.commit()
        return updated

    return retrying(attempt)


def _record(
    ip: IntakePorts, uow: UnitOfWork, caller: Caller, application: Application, action: str, *, emit: bool = True
) -> None:
    """The audit record (and, on a state change, the outbox event) of an application write."""
    ports = ip.register
    chain = application_chain(application.tenant_id, application.application_id)
    entry = audit_entry(
        ports,
        caller,
        action,
        Outcome.ALLOWED,
        subject=application.subject_id,
        detail={"application_id": application.application_id, "version": application.version},
    )
    uow.audit(append(ports.audit.head(chain), entry))
    if emit:
        uow.emit(application_event(ports.new_id(), application))


def application_event(event_id: str, application: Application) -> OutboxEvent:
    """Ids and codes only; portal_pseudonym_id lets notifications address the applicant."""
    return OutboxEvent(
        event_id=event_id,
        tenant_id=application.tenant_id,
        kind=application_kind(application.status),
        occurred_at=application.updated_at,
        subject_id=application.application_id,
        portal_pseudonym_id=application.portal_pseudonym_id,
        detail={
            "kind": application.kind.value,
            "version": application.version,
            "missing": ",".join(application.missing_items()) or None,
            "late": application.late,
            # The register concerned, where the form names it (else the notifier takes the holder's).
            "qualification": application.named_qualification(),
        },
    )


def _audit_read(ip: IntakePorts, caller: Caller, action: str, application: Application) -> None:
    entry = audit_entry(
        ip.register,
        caller,
        action,
        Outcome.ALLOWED,
        subject=application.subject_id,
        detail={"application_id": application.application_id},
    )
    audit_alone(ip.register, application_chain(caller.tenant_id, application.application_id), entry)
