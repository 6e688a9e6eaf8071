"""An uploaded attachment arrives (the bucket's upload event): its bytes are checked against its
declared type (``intake/domain/attachment_content.py``) and it is marked received, or refused.
Where the stage's GuardDuty plan is on, a version the scan found a threat in is refused the same
way, whenever its result comes (``threat_found``, ADR 0290).

A refused upload is deleted by its version, so no copy of it stays and an accepted file before it
is current again. The refusal is audited by a rule's name; when the application asked for the
attachment, its applicant is told (``application.attachment_refused``), once per upload: the
notice's event id is the upload's version, and it is committed before the version is deleted, so
a redelivered event finds it and deletes what is left. Once a refused version is gone, what is
current again is checked as if it had just arrived (its own event may have come while the refused
one was current); with nothing left, an attachment marked received is missing again."""

from __future__ import annotations

from ahaki.intake.domain.application import ATTACHMENT_RULES, Application, AttachmentRule
from ahaki.intake.domain.attachment_content import content_refusal
from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.attachment_withdrawal import without_attachment
from ahaki.intake.domain.events import ATTACHMENT_NOT_SCANNED, ATTACHMENT_REFUSED
from ahaki.intake.domain.malware_scan import ScanStatus
from ahaki.intake.domain.status import OPEN
from ahaki.intake.services.application_records import application_chain, application_event, record, save
from ahaki.intake.services.ports import IntakePorts, StoredAttachment
from ahaki.kernel.audit import Outcome, append
from ahaki.kernel.auditing import audit_entry, record_refusal
from ahaki.kernel.caller import Caller
from ahaki.kernel.retry import EventIdTaken, retrying

ARRIVAL = "attachment_received"
SCAN = "attachment_scanned"
# Versions re-checked after a refusal, one after another; more is left to the next event (versions
# of a key are few: noncurrent ones expire after a day).
RECHECKS = 10


def attachment_arrived(ip: IntakePorts, key: str, rechecks: int = RECHECKS) -> Application | None:
    """Marks the declared attachment received, or refuses the upload (None)."""
    tenant, application_id, attachment_type = _parts(key)
    rule = ATTACHMENT_RULES.get(attachment_type)
    stored = ip.attachments.fetch(key, rule.max_bytes if rule else 0)
    caller = Caller("system:attachments", "system", tenant, f"s3:{application_id}")
    if stored is None:  # deleted meanwhile (a refusal, the retention job): received no longer
        _withdraw(ip, caller, tenant, application_id, attachment_type, key)
        return None
    application = ip.applications.get(tenant, application_id) if tenant else None
    if application is None or rule is None or not _expected(application, attachment_type):
        _refuse_unexpected(ip, caller, ARRIVAL, AttachmentRefusal.NOT_EXPECTED)
        ip.attachments.delete(key, stored.version_id)
        return None
    refused = upload_refusal(rule, stored)
    if refused is not None:
        _tell_refused(ip, caller, ARRIVAL, application, attachment_type, stored.version_id, refused)
        ip.attachments.delete(key, stored.version_id)
        if rechecks > 0:  # what is current again, checked: one call per version left, bounded
            attachment_arrived(ip, key, rechecks - 1)
        return None
    if attachment_type in application.received_attachments:
        return application  # a re-upload replaces the object; nothing else changes
    received = (*application.received_attachments, attachment_type)
    return save(ip, caller, application, ARRIVAL, received_attachments=received)


def threat_found(ip: IntakePorts, key: str, version_id: str | None) -> None:
    """The malware scan found a threat in this version: refused like a hostile upload, whether its
    upload event came before (it was accepted: the attachment is missing again unless an earlier
    accepted version is current once it is gone) or comes after (it finds the version gone)."""
    tenant, application_id, attachment_type = _parts(key)
    caller = Caller("system:malware-scan", "system", tenant, f"s3:{application_id}")
    application = ip.applications.get(tenant, application_id) if tenant else None
    if application is None or not _expected(application, attachment_type):
        _refuse_unexpected(ip, caller, SCAN, AttachmentRefusal.MALWARE)
        ip.attachments.delete(key, version_id)
        return
    _tell_refused(ip, caller, SCAN, application, attachment_type, version_id, AttachmentRefusal.MALWARE)
    ip.attachments.delete(key, version_id)
    attachment_arrived(ip, key)  # what is current once it is gone, checked as if it had just arrived


def scan_inconclusive(ip: IntakePorts, key: str, version_id: str | None, status: ScanStatus) -> None:
    """The malware scan judged nothing of this version: it stays closed to staff (the tag is not
    clean), and staff are alerted once per version through the outbox, audited on the application's
    chain in the same transaction. A version nobody asked for is the upload event's to delete."""
    tenant, application_id, attachment_type = _parts(key)
    application = ip.applications.get(tenant, application_id) if tenant else None
    if application is None or not _expected(application, attachment_type):
        return
    ports = ip.register
    caller = Caller("system:malware-scan", "system", tenant, f"s3:{application_id}")
    detail = {"application_id": application_id, "attachment": attachment_type, "scan": status.value}
    upload = version_id or ports.new_id()
    event = application_event(f"attachment-not-scanned-{application_id}-{upload}", application)
    event = event.model_copy(update={"kind": ATTACHMENT_NOT_SCANNED, "detail": {**event.detail, **detail}})

    def attempt() -> None:
        uow = ports.unit_of_work()
        entry = audit_entry(ports, caller, SCAN, Outcome.REJECTED, subject=application.subject_id, detail=detail)
        uow.audit(append(ports.audit.head(application_chain(tenant, application_id)), entry))
        uow.emit(event)
        try:
            uow.commit()
        except EventIdTaken:
            return  # staff were alerted of this version before (a redelivered result)

    retrying(attempt)


def upload_refusal(rule: AttachmentRule, stored: StoredAttachment) -> AttachmentRefusal | None:
    """Why the stored object is not a file the rule accepts (None: it is); staff reads ask too."""
    if stored.content_type not in rule.content_types:
        return AttachmentRefusal.CONTENT_TYPE
    if stored.data is None:
        return AttachmentRefusal.SIZE
    return content_refusal(stored.content_type, stored.data)


def _parts(key: str) -> tuple[str, str, str]:
    """Tenant, application id and attachment type of a key in the bucket's layout (else empty)."""
    parts = key.split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else ("", "", "")


def _expected(application: Application, attachment_type: str) -> bool:
    return attachment_type in application.required_attachments and application.status in OPEN


def _refuse_unexpected(ip: IntakePorts, caller: Caller, action: str, reason: AttachmentRefusal) -> None:
    """Audited without a notice: nobody asked for this upload (or its application is decided)."""
    if caller.tenant_id:  # a key outside every tenant's layout has no tenant to audit under
        record_refusal(ip.register, caller, action, Outcome.REJECTED, None, {"refused": reason.value})


def _tell_refused(
    ip: IntakePorts,
    caller: Caller,
    action: str,
    application: Application,
    attachment_type: str,
    version_id: str | None,
    refused: AttachmentRefusal,
) -> None:
    """The refusal on the application's audit chain and its notice, in one transaction."""
    ports = ip.register
    detail = {"application_id": application.application_id, "attachment": attachment_type, "refused": refused.value}
    upload = version_id or ports.new_id()  # without versions (not in AWS) each event is its own
    event = application_event(f"attachment-refused-{application.application_id}-{upload}", application)
    event = event.model_copy(update={"kind": ATTACHMENT_REFUSED, "detail": {**event.detail, **detail}})

    def attempt() -> None:
        uow = ports.unit_of_work()
        entry = audit_entry(ports, caller, action, Outcome.REJECTED, subject=application.subject_id, detail=detail)
        uow.audit(append(ports.audit.head(application_chain(application.tenant_id, application.application_id)), entry))
        uow.emit(event)
        try:
            uow.commit()
        except EventIdTaken:
            return  # this upload's refusal was told before (a redelivered event)

    retrying(attempt)


def _withdraw(
    ip: IntakePorts, caller: Caller, tenant: str, application_id: str, attachment_type: str, key: str
) -> None:
    """No file left at the key: an attachment the application lists as received is missing again.
    Audited, without a notice of its own (the refusal's notice asks for the file). Idempotent."""

    def attempt() -> None:
        application = ip.applications.get(tenant, application_id) if tenant else None
        if application is None or attachment_type not in application.received_attachments:
            return
        if application.status not in OPEN or ip.attachments.fetch(key, 0) is not None:
            return  # decided; or a new upload meanwhile, which its own event checks
        updated = without_attachment(application, attachment_type, ip.register.clock())
        uow = ip.register.unit_of_work()
        ip.application_writes(uow).put_application(updated)
        record(ip, uow, caller, updated, "attachment_withdrawn", emit=False)
        uow.commit()

    retrying(attempt)
