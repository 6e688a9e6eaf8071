"""What the portal and staff send for online applications: only what each step needs."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, JsonValue, model_validator

from ahaki.domain.application import ATTACHMENT_RULES, ApplicationKind, ApplicationStatus, StoredForm, SubmittedForm
from ahaki.domain.signature import SignatureEnvelope
from ahaki.domain.values import Frozen, LongText, Text

DEFAULT_MINISTER = "厚生労働大臣"
DEFAULT_CHAIR = "公益財団法人東洋療法研修試験財団理事長"


class Submission(Frozen):
    """POST /portal/applications: the application (one form per kind) and its signature."""

    application: SubmittedForm
    signature: SignatureEnvelope | None = None


_ATTACHMENT_TYPES: list[JsonValue] = [*sorted(ATTACHMENT_RULES)]
_CONTENT_TYPES: list[JsonValue] = [*sorted({t for rule in ATTACHMENT_RULES.values() for t in rule.content_types})]


AttachmentType = Annotated[str, Field(json_schema_extra={"enum": _ATTACHMENT_TYPES})]


class AttachmentRequest(Frozen):
    # The service checks both against the kind's rules; the enums tell a generated client the words.
    type: str = Field(min_length=1, max_length=40, json_schema_extra={"enum": _ATTACHMENT_TYPES})
    content_type: str = Field(min_length=1, max_length=100, json_schema_extra={"enum": _CONTENT_TYPES})
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
    attachments: tuple[Annotated[str, Field(json_schema_extra={"enum": _ATTACHMENT_TYPES})], ...] = ("additional",)

    @model_validator(mode="after")
    def _something_to_send(self) -> Self:
        if not self.attachments:
            raise ValueError("name at least one attachment the applicant must send")
        return self


class Approval(Frozen):
    minister_name: Text = DEFAULT_MINISTER
    chair_name: Text = DEFAULT_CHAIR
    note: LongText | None = None


class Rejection(Frozen):
    reason: LongText
