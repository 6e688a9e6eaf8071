"""What staff send for each lifecycle operation: only what the operation needs, nothing more."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from ahaki.kernel.identifiers import MyNumber
from ahaki.kernel.model import Frozen
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import (
    MAX_REGISTRATION_NUMBER,
    Address,
    IsoDate,
    LongText,
    Name,
    NameKana,
    PastDate,
    PortalPseudonym,
    Sex,
    YearMonth,
)
from ahaki.registry.domain.office_holders import PersonInOffice
from ahaki.registry.domain.registrant import DispositionKind, ErasureReason, Origin, ReissueReason, Status


class RegistrationDetails(Frozen):
    """免許申請 / 名簿登録 without the My Number: what an approved online application registers
    (its number already waits in the vault)."""

    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    portal_pseudonym_id: PortalPseudonym | None = None
    name: Name
    name_kana: NameKana
    sex: Sex
    birth_date: PastDate
    origin: Origin
    exam_passed_in: YearMonth
    address: Address
    # Items 24/25: the persons in office on registered_on; left out, taken from the tenant's
    # table of office holders (registry/domain/office_holders.py).
    minister_name: PersonInOffice | None = None
    chair_name: PersonInOffice | None = None
    registered_on: PastDate | None = None  # defaults to today (JST)


class Registration(RegistrationDetails):
    """免許申請 / 名簿登録 by staff. The My Number goes to the vault and nowhere else."""

    my_number: MyNumber


class Correction(Frozen):
    """名簿訂正 and the other items staff may fix; give only the items that change."""

    name: Name | None = None
    name_kana: NameKana | None = None
    origin: Origin | None = None
    sex: Sex | None = None
    birth_date: PastDate | None = None
    exam_passed_in: YearMonth | None = None
    address: Address | None = None
    portal_pseudonym_id: PortalPseudonym | None = None
    minister_name: PersonInOffice | None = None
    chair_name: PersonInOffice | None = None
    reason: LongText

    @model_validator(mode="after")
    def _something_to_correct(self) -> Self:
        if not self.changes():
            raise ValueError("give at least one item to correct")
        return self

    def changes(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.model_fields_set if k != "reason"}


class AddressUpdate(Frozen):
    """The address as the resident register holds it: a move, or its notation adopted."""

    address: Address
    reason: LongText


class CertificateRewriteRequest(Frozen):
    reason: LongText
    rewritten_on: PastDate | None = None


class CertificateReissueRequest(Frozen):
    reason: ReissueReason
    reissued_on: PastDate | None = None


class ErasureRequest(Frozen):
    reason: ErasureReason
    erased_on: PastDate | None = None
    note: LongText | None = None


class DispositionRequest(Frozen):
    kind: DispositionKind
    decided_on: PastDate | None = None
    period_from: IsoDate | None = None
    period_to: IsoDate | None = None
    reason: LongText

    @model_validator(mode="after")
    def _period_fits_kind(self) -> Self:
        has_period = self.period_from is not None or self.period_to is not None
        if self.kind is DispositionKind.REVOCATION and has_period:
            raise ValueError("a revocation has no period")
        if self.kind is not DispositionKind.REVOCATION:
            if self.period_from is None or self.period_to is None:
                raise ValueError("a suspension needs period_from and period_to")
            if self.period_to < self.period_from:
                raise ValueError("period_to must not be before period_from")
        return self


class RelicensureRequest(Frozen):
    relicensed_on: PastDate | None = None
    reason: LongText


class RevealRequest(Frozen):
    """Why the registrar needs to see the My Number; kept in the audit trail."""

    purpose: LongText


class SearchQuery(Frozen):
    """Exactly one way to look: by registration number, by kana name and birth date, or by status.

    Sent as a POST body, so no name or birth date ever travels in a URL (URLs reach access logs).
    """

    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    registration_number: int | None = Field(default=None, ge=1, le=MAX_REGISTRATION_NUMBER)
    name_kana: NameKana | None = None
    birth_date: PastDate | None = None
    status: Status | None = None
    limit: int = 50
    cursor: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        ways = [self.registration_number is not None, self.name_kana is not None, self.status is not None]
        if sum(ways) != 1:
            raise ValueError("give exactly one of registration_number, name_kana (with birth_date) and status")
        if (self.name_kana is None) != (self.birth_date is None):
            raise ValueError("name_kana and birth_date go together")
        if self.cursor is not None and self.status is None:
            raise ValueError("cursor pages a search by status")
        if not 1 <= self.limit <= 100:
            raise ValueError("limit must be 1-100")
        return self
