"""Staff read an application's attachment through a short-lived download link.

The object now stored is checked again before any link is made: the applicant may have uploaded a
replacement whose upload event has not been handled yet, and staff must never be sent bytes nobody
checked. The link is pinned to the version checked, so a later upload cannot change what it
serves. The read is audited on the application's chain before the link is returned: whoever asks
for it has read the attachment, whether or not the link is followed (ADR 0260).

Where the stage's malware scan is on, only a version GuardDuty tagged clean is read and linked
(ADR 0290): S3 itself refuses the bytes of any other version to staff, so the version and its tag
are read first, then that version's bytes."""

from __future__ import annotations

from dataclasses import dataclass

from ahaki.intake.domain.application import ATTACHMENT_RULES
from ahaki.intake.domain.attachment_download import DOWNLOAD_URL_SECONDS, download_disposition
from ahaki.intake.domain.malware_scan import cleared
from ahaki.intake.services.application_records import attachment_key, audit_read
from ahaki.intake.services.ports import IntakePorts, StoredAttachment
from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import record_refusal
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidState, NotFound, NotScannedClean

ACTION = "get_attachment"


@dataclass(frozen=True)
class AttachmentDownload:
    application_id: str
    attachment_type: str
    content_type: str  # one of the rule's types, checked against the bytes
    size: int
    url: str
    expires_in: int


def attachment_download(
    ip: IntakePorts, caller: Caller, application_id: str, attachment_type: str
) -> AttachmentDownload:
    """A download link for an attachment the application lists as received (NotFound otherwise,
    and for another tenant's application: the tenant is part of every key read)."""
    application = ip.applications.get(caller.tenant_id, application_id)
    rule = ATTACHMENT_RULES.get(attachment_type)
    if application is None or rule is None or attachment_type not in application.received_attachments:
        record_refusal(ip.register, caller, ACTION, Outcome.NOT_FOUND, None)
        raise NotFound("no such attachment")
    key = attachment_key(caller.tenant_id, application_id, attachment_type)
    stored = _scanned_clean(ip, key, rule.max_bytes) if ip.malware_scan else ip.attachments.fetch(key, rule.max_bytes)
    if stored is None:  # deleted meanwhile (the retention job)
        record_refusal(ip.register, caller, ACTION, Outcome.NOT_FOUND, application.subject_id)
        raise NotFound("no such attachment")
    # The content checks (their patterns, the filter decoders) load on the first read of a file,
    # not on the review function's cold start: most of its requests never open one.
    from ahaki.intake.services.arrivals import upload_refusal

    if upload_refusal(rule, stored) is not None:
        # A replacement not yet refused by its upload event; once it is, the accepted file is current again.
        raise InvalidState("the attachment is being replaced by a new upload; try again shortly")
    audit_read(ip, caller, ACTION, application, attachment=attachment_type, version_id=stored.version_id)
    disposition = download_disposition(attachment_type, stored.content_type)
    url = ip.attachments.download_url(key, stored.version_id, stored.content_type, disposition, DOWNLOAD_URL_SECONDS)
    return AttachmentDownload(
        application_id, attachment_type, stored.content_type, stored.size, url, DOWNLOAD_URL_SECONDS
    )


def _scanned_clean(ip: IntakePorts, key: str, limit: int) -> StoredAttachment | None:
    """The current version's bytes, once the malware scan found that version clean."""
    scanned = ip.attachments.scanned_version(key)
    if scanned is None:
        return None
    if scanned.scan_status is None:
        raise NotScannedClean("the attachment has not been scanned for malware yet; try again shortly")
    if not cleared(scanned.scan_status):
        # A threat is refused and deleted by the attachment function; any other result stays
        # unreadable (S3 refuses its bytes), and staff ask the applicant for the file again.
        raise NotScannedClean("the malware scan did not find the attachment clean; it cannot be opened")
    return ip.attachments.fetch(key, limit, scanned.version_id)
