"""An attachment marked received whose file is gone (its accepted version refused after the fact,
by the malware scan): the application waits for it again."""

from __future__ import annotations

from datetime import datetime

from ahaki.intake.domain.application import Application
from ahaki.intake.domain.status import ApplicationStatus


def without_attachment(application: Application, attachment_type: str, now: datetime) -> Application:
    """The next version, the attachment missing again. A complete application goes back to
    incomplete (staff may not decide without the file); one waiting for more information waits on."""
    received = tuple(a for a in application.received_attachments if a != attachment_type)
    status = ApplicationStatus.INCOMPLETE if application.status is ApplicationStatus.RECEIVED else application.status
    return application.model_copy(
        update={
            "received_attachments": received,
            "status": status,
            "updated_at": now,
            "version": application.version + 1,
        }
    )
