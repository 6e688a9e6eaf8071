"""An uploaded attachment arrives (the bucket's upload event): its bytes are checked against its
declared type (``intake/domain/attachment_content.py``) and it is marked received, or refused.

A refused upload is deleted by its version, so no copy of it stays and an accepted file before it
is current again. The refusal is audited by a rule's name; when the application asked for the
attachment, its applicant is told (``application.attachment_refused``), once per upload: the
notice's event id is the upload's version, and it is committed before the version is deleted, so
a redelivered event finds it and deletes what is left."""

from __future__ import annotations

from ahaki.intake.domain.application import ATTACHMENT_RULES, Application, AttachmentRule
from ahaki.intake.domain.attachment_content import content_refusal
from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.events import ATTACHMENT_REFUSED
from ahaki.intake.domain.status import OPEN
from ahaki.intake.services.application_records import application_chain, application_event, save
from ahaki.intake.services.ports import IntakePorts, StoredAttachment
from ahaki.kernel.audit import Outcome, append
from ahaki.kernel.auditing import audit_entry, record_refusal
from ahaki.kernel.caller import Caller
from ahaki.kernel.retry import EventIdTaken, retrying


def attachment_arrived(ip: IntakePorts, key: str) -> Application | None:
    """Marks the declared attachment received, or refuses the upload (None)."""
    parts = key.split("/")
    tenant, application_id, attachment_type = parts if len(parts) == 3 else ("", "", "")
    rule = ATTACHMENT_RULES.get(attachment_type)
    stored = ip.attachments.fetch(key, rule.max_bytes if rule else 0)
    if stored is None:
        return None  # deleted meanwhile (a refusal of the same upload, or the retention job)
    caller = Caller("system:attachments", "system", tenant, f"s3:{application_id}")
    application = ip.applications.get(tenant, application_id) if tenant else None
    if (
        application is None
        or rule is None
        or attachment_type not in application.required_attachments
        or application.status not in OPEN
    ):
        if tenant:  # a key outside every tenant's layout has no tenant to audit under
            reason = {"refused": AttachmentRefusal.NOT_EXPECTED.value}
            record_refusal(ip.register, caller, "attachment_received", Outcome.REJECTED, None, reason)
        ip.attachments.delete(key, stored.version_id)
        return None
    refused = upload_refusal(rule, stored)
    if refused is not None:
        _tell_refused(ip, caller, application, attachment_type, stored, refused)
        ip.attachments.delete(key, stored.version_id)
        return None
    if attachment_type in application.received_attachments:
        return application  # a re-upload replaces the object; nothing else changes
    received = (*application.received_attachments, attachment_type)
    return save(ip, caller, application, "attachment_received", received_attachments=received)


def upload_refusal(rule: AttachmentRule, stored: StoredAttachment) -> AttachmentRefusal | None:
    """Why the stored object is not a file the rule accepts (None: it is); staff reads ask too."""
    if stored.content_type not in rule.content_types:
        return AttachmentRefusal.CONTENT_TYPE
    if stored.data is None:
        return AttachmentRefusal.SIZE
    return content_refusal(stored.content_type, stored.data)


def _tell_refused(
    ip: IntakePorts,
    caller: Caller,
    application: Application,
    attachment_type: str,
    stored: StoredAttachment,
    refused: AttachmentRefusal,
) -> None:
    """The refusal on the application's audit chain and its notice, in one transaction."""
    ports = ip.register
    detail = {"application_id": application.application_id, "attachment": attachment_type, "refused": refused.value}
    upload = stored.version_id or ports.new_id()  # without versions (not in AWS) each event is its own
    event = application_event(f"attachment-refused-{application.application_id}-{upload}", application)
    event = event.model_copy(update={"kind": ATTACHMENT_REFUSED, "detail": {**event.detail, **detail}})

    def attempt() -> None:
        uow = ports.unit_of_work()
        entry = audit_entry(
            ports, caller, "attachment_received", Outcome.REJECTED, subject=application.subject_id, detail=detail
        )
        uow.audit(append(ports.audit.head(application_chain(application.tenant_id, application.application_id)), entry))
        uow.emit(event)
        try:
            uow.commit()
        except EventIdTaken:
            return  # this upload's refusal was told before (a redelivered event)

    retrying(attempt)
