"""What the portal and staff send for online applications: only what each step needs."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from ahaki.domain.application import ApplicationKind, ApplicationStatus, StoredForm, SubmittedForm
from ahaki.domain.office_holders import PersonInOffice
from ahaki.domain.signature import SignatureEnvelope
from ahaki.domain.values import Frozen, LongText, Text


class Submission(Frozen):
    """POST /portal/applications: the application (one form per kind) and its signature."""

    application: SubmittedForm
    signature: SignatureEnvelope | None = None


class AttachmentRequest(Frozen):
    type: str = Field(min_length=1, max_length=40)
    content_type: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=1)


class PaymentNotification(Frozen):
    amount: int = Field(ge=1)
    reference: Text  # the payment provider's receipt id; no card data ever reaches us


class QueueQuery(Frozen):
    status: ApplicationStatus = ApplicationStatus.RECEIVED
    kind: ApplicationKind | None = None
    limit: int = Field(default=50, ge=1, le=100)


class Edit(Frozen):
    """A registrar's fix of a form (same kind); the approver must then be someone else."""

    form: StoredForm
    reason: LongText


class InformationRequest(Frozen):
    reason: LongText
    attachments: tuple[str, ...] = ("additional",)

    @model_validator(mode="after")
    def _something_to_send(self) -> Self:
        if not self.attachments:
            raise ValueError("name at least one attachment the applicant must send")
        return self


class Approval(Frozen):
    # A new registration's items 24/25; left out, the persons in office on the registration date.
    minister_name: PersonInOffice | None = None
    chair_name: PersonInOffice | None = None
    note: LongText | None = None


class Rejection(Frozen):
    reason: LongText
