"""What the application routes return. The portal sees status, missing items and the decision;
staff see the whole application. A My Number is never part of any of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ahaki.intake.domain.application import Application, ApplicationKind, Decision, PaymentState
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.intake.services.attachment_reads import AttachmentDownload
from ahaki.intake.services.review import Match


class Receipt(BaseModel):
    """The answer to a submission, and what the idempotency record stores: ids and codes only."""

    application_id: str
    kind: ApplicationKind
    status: ApplicationStatus
    missing: list[str]
    payment_state: PaymentState
    late: bool


class PortalApplicationView(Receipt):
    submitted_at: datetime
    updated_at: datetime
    information_request: str | None = None
    decision: Decision | None = None


class PortalApplicationList(BaseModel):
    items: list[PortalApplicationView]


class UploadView(BaseModel):
    application_id: str
    type: str
    method: str = "PUT"
    url: str
    headers: dict[str, str]
    expires_in: int


class AttachmentDownloadView(BaseModel):
    """A link that downloads the attachment as checked (a file of ``content_type``), briefly."""

    application_id: str
    type: str
    content_type: str
    size: int
    method: str = "GET"
    url: str
    expires_in: int


class StaffApplicationView(Application):
    missing: list[str]


class QueueView(BaseModel):
    items: list[StaffApplicationView]


class MatchView(BaseModel):
    application_id: str
    registrant_id: str | None
    registrant_status: str | None
    differences: dict[str, dict[str, Any]]
    duplicate_my_number_holder: str | None
    same_kana_and_birth_date: list[str]
    portal_pseudonym_holder: str | None = None  # the registrant already linked to the applicant's pseudonym


def receipt(a: Application) -> Receipt:
    return Receipt(
        application_id=a.application_id,
        kind=a.kind,
        status=a.status,
        missing=a.missing_items(),
        payment_state=a.payment.state,
        late=a.late,
    )


def portal_view(a: Application) -> PortalApplicationView:
    return PortalApplicationView(
        **receipt(a).model_dump(),
        submitted_at=a.submitted_at,
        updated_at=a.updated_at,
        information_request=a.information_request,
        decision=a.decision,
    )


def staff_view(a: Application) -> StaffApplicationView:
    return StaffApplicationView(**a.model_dump(), missing=a.missing_items())


def match_view(m: Match) -> MatchView:
    return MatchView(**m.__dict__)


def download_view(d: AttachmentDownload) -> AttachmentDownloadView:
    return AttachmentDownloadView(
        application_id=d.application_id,
        type=d.attachment_type,
        content_type=d.content_type,
        size=d.size,
        url=d.url,
        expires_in=d.expires_in,
    )
