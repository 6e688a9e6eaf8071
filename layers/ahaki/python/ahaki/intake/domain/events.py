"""The kinds of events intake emits (the catalogue of all kinds: notifications/domain/events.py)."""

from __future__ import annotations

from ahaki.intake.domain.status import ApplicationStatus

# The retention job: an application waiting on its applicant passed the deadline (intake/domain/retention.py).
DOCUMENTS_OVERDUE = "application.documents_overdue"
# An upload its rules refused (intake/domain/attachment_content.py): the applicant is asked again.
ATTACHMENT_REFUSED = "application.attachment_refused"


def application_kind(status: ApplicationStatus) -> str:
    return f"application.{status.value}"
