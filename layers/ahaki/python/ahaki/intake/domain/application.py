"""Online applications (オンライン申請): one form per procedure, holding only what it needs.

The portal sends a form; the My Number of a new registration is split off before anything is
stored (it goes to the vault), so no stored application ever holds one. The state machine:

    incomplete ──(all attachments, payment)──> received ──> approved | rejected
        ^                                         │
        └────────── more_information_requested <──┘
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from ahaki.intake.domain.deadlines import death_report_deadline
from ahaki.intake.domain.status import OPEN, ApplicationStatus
from ahaki.kernel.errors import InvalidState
from ahaki.kernel.identifiers import MyNumber
from ahaki.kernel.model import Frozen
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import (
    MAX_REGISTRATION_NUMBER,
    Address,
    LongText,
    Name,
    NameKana,
    PastDate,
    PersonName,
    Sex,
    YearMonth,
)
from ahaki.registry.domain.registrant import Origin, ReissueReason


class ApplicationKind(StrEnum):
    NEW_REGISTRATION = "new_registration"  # 免許申請 / 名簿登録
    CORRECTION = "correction"  # 名簿訂正 (name, 本籍 / nationality)
    CERTIFICATE_REWRITE = "certificate_rewrite"  # 免許証書換え交付
    CERTIFICATE_REISSUE = "certificate_reissue"  # 再交付 (torn, soiled, lost)
    ERASURE_REQUEST = "erasure_request"  # 登録の消除, by the holder
    DEATH_REPORT = "death_report"  # 登録の消除, reported by the person obliged to report


class Relationship(StrEnum):
    """戸籍法87条: who is obliged (or allowed) to report a death."""

    COHABITING_RELATIVE = "cohabiting_relative"
    OTHER_COHABITANT = "other_cohabitant"
    LANDLORD_OR_MANAGER = "landlord_or_manager"
    OTHER_RELATIVE = "other_relative"
    GUARDIAN = "guardian"


class PaymentState(StrEnum):
    NOT_REQUIRED = "not_required"
    UNPAID = "unpaid"
    PAID = "paid"


# -- the forms: one per kind; `kind` is the discriminator -------------------------------------------


class NewRegistrationDetails(Frozen):
    """What is stored of a new registration: the form without the My Number."""

    kind: Literal[ApplicationKind.NEW_REGISTRATION]  # required: the discriminator of every form
    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    name: Name
    name_kana: NameKana
    sex: Sex
    birth_date: PastDate
    origin: Origin
    exam_passed_in: YearMonth
    address: Address


class NewRegistrationForm(NewRegistrationDetails):
    """As the portal sends it: the My Number goes straight to the vault."""

    my_number: MyNumber

    def details(self) -> NewRegistrationDetails:
        return NewRegistrationDetails.model_validate(self.model_dump(exclude={"my_number"}))


class CorrectionForm(Frozen):
    kind: Literal[ApplicationKind.CORRECTION]
    name: Name | None = None
    name_kana: NameKana | None = None
    origin: Origin | None = None
    reason: LongText  # e.g. 婚姻による氏の変更

    @model_validator(mode="after")
    def _something_to_correct(self) -> Self:
        if self.name is None and self.name_kana is None and self.origin is None:
            raise ValueError("give at least one of name, name_kana and origin")
        return self


class CertificateRewriteForm(Frozen):
    kind: Literal[ApplicationKind.CERTIFICATE_REWRITE]
    reason: LongText


class CertificateReissueForm(Frozen):
    kind: Literal[ApplicationKind.CERTIFICATE_REISSUE]
    reason: ReissueReason
    # A lost certificate found later must be returned: the applicant acknowledges it.
    will_return_if_found: bool = False

    @model_validator(mode="after")
    def _lost_needs_acknowledgement(self) -> Self:
        if self.reason is ReissueReason.LOST and not self.will_return_if_found:
            raise ValueError("a reissue for a lost certificate needs will_return_if_found: true")
        return self


class ErasureRequestForm(Frozen):
    kind: Literal[ApplicationKind.ERASURE_REQUEST]
    note: LongText | None = None


class DeathReportForm(Frozen):
    """Identifies the deceased by registration number, kana name and birth date (all must match)."""

    kind: Literal[ApplicationKind.DEATH_REPORT]
    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    registration_number: int = Field(ge=1, le=MAX_REGISTRATION_NUMBER)
    name_kana: NameKana
    birth_date: PastDate
    date_of_death: PastDate
    relationship: Relationship
    reporter_name: PersonName

    @model_validator(mode="after")
    def _death_after_birth(self) -> Self:
        if self.date_of_death < self.birth_date:
            raise ValueError("date_of_death must not be before birth_date")
        return self


SubmittedForm = Annotated[
    NewRegistrationForm
    | CorrectionForm
    | CertificateRewriteForm
    | CertificateReissueForm
    | ErasureRequestForm
    | DeathReportForm,
    Field(discriminator="kind"),
]
StoredForm = Annotated[
    NewRegistrationDetails
    | CorrectionForm
    | CertificateRewriteForm
    | CertificateReissueForm
    | ErasureRequestForm
    | DeathReportForm,
    Field(discriminator="kind"),
]


def stored_form(form: SubmittedForm) -> StoredForm:
    return form.details() if isinstance(form, NewRegistrationForm) else form


# -- per-kind rules ---------------------------------------------------------------------------------


class AttachmentRule(Frozen):
    content_types: frozenset[str]
    max_bytes: int


_DOCUMENT = AttachmentRule(
    content_types=frozenset({"application/pdf", "image/jpeg", "image/png"}), max_bytes=10_000_000
)
_PHOTO = AttachmentRule(content_types=frozenset({"image/jpeg", "image/png"}), max_bytes=5_000_000)

# What each kind must attach (施行規則 lists the documents); staff may ask for more ("additional").
ATTACHMENT_RULES: dict[str, AttachmentRule] = {
    "medical_certificate": _DOCUMENT,  # 医師の診断書 (心身の障害)
    "family_register_extract": _DOCUMENT,  # 戸籍抄本 (or residence record for foreign nationals)
    "certificate_photo": _PHOTO,
    "damaged_certificate": _DOCUMENT,  # the torn or soiled certificate, scanned
    "death_certificate": _DOCUMENT,  # 死亡診断書 or 戸籍 showing the death
    "additional": _DOCUMENT,
}
REQUIRED_ATTACHMENTS: dict[ApplicationKind, tuple[str, ...]] = {
    ApplicationKind.NEW_REGISTRATION: ("medical_certificate",),
    ApplicationKind.CORRECTION: ("family_register_extract",),
    ApplicationKind.CERTIFICATE_REWRITE: (),
    ApplicationKind.CERTIFICATE_REISSUE: (),
    ApplicationKind.ERASURE_REQUEST: (),
    ApplicationKind.DEATH_REPORT: ("death_certificate",),
}
MAX_ATTACHMENTS = 5  # per application, requested ones included
# Fees in yen (configuration of the registration body's schedule; a kind not listed is free).
FEES: dict[ApplicationKind, int] = {
    ApplicationKind.NEW_REGISTRATION: 9_000,
    ApplicationKind.CERTIFICATE_REWRITE: 2_850,
    ApplicationKind.CERTIFICATE_REISSUE: 3_100,
}


# -- the stored application -------------------------------------------------------------------------


class SignatureCheck(Frozen):
    """The result of verifying the applicant's signature (never the certificate's personal data)."""

    status: Literal["absent", "valid"]
    certificate_serial: str | None = None
    certificate_not_after: datetime | None = None
    issuer_fingerprint: str | None = None  # SHA-256 of the trust anchor the chain ended in


class Payment(Frozen):
    state: PaymentState
    amount: int = 0
    reference: str | None = None
    paid_at: datetime | None = None


class Decision(Frozen):
    outcome: Literal["approved", "rejected"]
    reason: str | None = None
    decided_by: str
    decided_at: datetime


class Application(Frozen):
    tenant_id: str
    application_id: str
    kind: ApplicationKind
    portal_pseudonym_id: str  # the applicant
    form: StoredForm
    # The registrant concerned: found through the pseudonym (or, for a death report, the
    # registration number); for a new registration, the id the registrant will get (the pending
    # My Number in the vault is bound to it).
    subject_id: str
    status: ApplicationStatus
    submitted_at: datetime
    updated_at: datetime
    required_attachments: tuple[str, ...] = ()
    received_attachments: tuple[str, ...] = ()
    payment: Payment
    signature: SignatureCheck
    late: bool = False  # a death report after its deadline (intake/domain/deadlines.py): accepted and flagged
    information_request: str | None = None
    last_edited_by: str | None = None
    decision: Decision | None = None
    expires_at: int | None = None  # retention: epoch seconds when personal data goes (DynamoDB TTL)
    # When the applicant was told the documents are overdue (intake/domain/retention.py); any later
    # change clears it, so the waiting starts again.
    reminded_at: datetime | None = None
    version: int = Field(default=1, ge=1)

    def named_qualification(self) -> str | None:
        """The register the form names (a new registration, a death report); else the holder's."""
        form = self.form
        return form.qualification.value if isinstance(form, NewRegistrationDetails | DeathReportForm) else None

    def missing_items(self) -> list[str]:
        items = [f"attachment:{a}" for a in self.required_attachments if a not in self.received_attachments]
        if self.payment.state is PaymentState.UNPAID:
            items.append("payment")
        return items


def initial_status(missing: list[str]) -> ApplicationStatus:
    return ApplicationStatus.INCOMPLETE if missing else ApplicationStatus.RECEIVED


def late_death_report(form: StoredForm, today: date) -> bool:
    """Reported after the last day the law allows (counted from the death, not from learning of it)."""
    return isinstance(form, DeathReportForm) and today > death_report_deadline(form.date_of_death)


def require_open(application: Application, action: str) -> None:
    if application.status not in OPEN:
        raise InvalidState(
            f"{action} is not allowed once the application is {application.status.value}",
            current_status=application.status.value,
        )


def require_decidable(application: Application, action: str) -> None:
    if application.status is not ApplicationStatus.RECEIVED:
        raise InvalidState(
            f"{action} needs a complete application (status received), not {application.status.value}",
            current_status=application.status.value,
            missing=application.missing_items(),
        )
    if application.payment.state is PaymentState.UNPAID:
        raise InvalidState("an unpaid application cannot be approved", current_status=application.status.value)


def after_arrival(application: Application, now: datetime, **changes: object) -> Application:
    """The next version after attachments or payment changed: complete ones become received."""
    updated = application.model_copy(
        update={"reminded_at": None, **changes, "updated_at": now, "version": application.version + 1}
    )
    waiting = updated.status in {ApplicationStatus.INCOMPLETE, ApplicationStatus.MORE_INFORMATION_REQUESTED}
    if waiting and not updated.missing_items():  # else still waiting for what is missing
        updated = updated.model_copy(update={"status": ApplicationStatus.RECEIVED, "information_request": None})
    return updated
