"""The portal's use cases of online intake: submit an application, read one's own, upload its
attachments (and hear them arrive), pay its fee.

Every state change of an application is one DynamoDB transaction: the application item, its audit
record and its outbox event (and, for a new registration, the pending My Number in the vault)."""

from __future__ import annotations

import uuid
from typing import Any

from ahaki.intake.domain.application import (
    ATTACHMENT_RULES,
    FEES,
    MAX_ATTACHMENTS,
    REQUIRED_ATTACHMENTS,
    Application,
    ApplicationKind,
    DeathReportForm,
    NewRegistrationForm,
    Payment,
    PaymentState,
    SignatureCheck,
    initial_status,
    late_death_report,
    require_open,
    stored_form,
)
from ahaki.intake.domain.commands import (
    AttachmentRequest,
    PaymentNotification,
    Submission,
)
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.intake.services.application_records import attachment_key, audit_read, record, save
from ahaki.intake.services.ports import IntakePorts
from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidInput, InvalidState, NotFound
from ahaki.kernel.retry import retrying
from ahaki.kernel.values import JST

UPLOAD_URL_SECONDS = 900
_APPLICATION_IDS = uuid.UUID("6f1c9a52-3b0e-4f7e-9d35-2a8e1f0c4b71")  # namespace of derived application ids


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
        from ahaki.intake.domain import signature as signatures  # here: it loads cryptography

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
        record(ip, uow, caller, application, "submit_application")
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
    audit_read(ip, caller, "get_my_application", found)
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
    return save(ip, caller, application, "record_payment", payment=paid)
