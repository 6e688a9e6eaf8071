"""The kinds of events intake emits (the catalogue of all kinds: notifications/domain/events.py)."""

from __future__ import annotations

from ahaki.intake.domain.status import ApplicationStatus

# The retention job: an application waiting on its applicant passed the deadline (intake/domain/retention.py).
DOCUMENTS_OVERDUE = "application.documents_overdue"
# An upload its rules refused (intake/domain/attachment_content.py): the applicant is asked again.
ATTACHMENT_REFUSED = "application.attachment_refused"
# A malware scan that judged nothing (malware_scan.INCONCLUSIVE): staff are alerted, ids only.
ATTACHMENT_NOT_SCANNED = "application.attachment_not_scanned"


def application_kind(status: ApplicationStatus) -> str:
    return f"application.{status.value}"
