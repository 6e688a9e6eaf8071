"""What the portal and staff send for online applications: only what each step needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, JsonValue, model_validator

from ahaki.intake.domain.application import ATTACHMENT_RULES, ApplicationKind, StoredForm, SubmittedForm
from ahaki.intake.domain.envelope import SignatureEnvelope
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.kernel.model import Frozen
from ahaki.kernel.values import LongText, Text
from ahaki.registry.domain.office_holders import PersonInOffice


class Submission(Frozen):
    """POST /portal/applications: the application (one form per kind) and its signature."""

    application: SubmittedForm
    signature: SignatureEnvelope | None = None


def _one_of(allowed: list[str]) -> Callable[[str], str]:
    """A word of a fixed list; the message names the list, never the value sent."""

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return check


def _enum(allowed: list[str]) -> Any:
    """The same list as an enum in the OpenAPI document."""
    enum: list[JsonValue] = [*allowed]
    return Field(json_schema_extra={"enum": enum})


_TYPES = sorted(ATTACHMENT_RULES)
_CONTENT_TYPES = sorted({t for rule in ATTACHMENT_RULES.values() for t in rule.content_types})
AttachmentType = Annotated[str, AfterValidator(_one_of(_TYPES)), _enum(_TYPES)]
# Checked by the service against the attachment's rule (its message names the allowed types).
ContentType = Annotated[str, Field(min_length=1, max_length=100), _enum(_CONTENT_TYPES)]


class AttachmentRequest(Frozen):
    type: AttachmentType  # the service checks both again against the application's kind
    content_type: ContentType
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
    attachments: tuple[AttachmentType, ...] = ("additional",)

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
