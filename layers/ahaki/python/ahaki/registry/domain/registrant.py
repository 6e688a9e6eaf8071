"""The registrant: register items 1-25 of DOMAIN.md, except 22 (My Number, only in the vault)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from ahaki.kernel.model import Frozen
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import (
    Address,
    IsoDate,
    LongText,
    Name,
    NameKana,
    Nationality,
    PastDate,
    PrefectureCode,
    Sex,
    Text,
    YearMonth,
)


class Status(StrEnum):
    REGISTERED = "registered"
    SUSPENDED = "suspended"  # 業務停止 or 名称の使用の停止 for a period
    REVOKED = "revoked"  # 免許取消し; the record waits for erasure or re-licensing
    ERASED = "erased"  # 登録の消除; the record stays, marked with reason and date


class DispositionKind(StrEnum):
    REVOCATION = "revocation"  # 免許取消し
    PRACTICE_SUSPENSION = "practice_suspension"  # 業務停止
    TITLE_USE_SUSPENSION = "title_use_suspension"  # 名称の使用の停止


class ReissueReason(StrEnum):
    TORN = "torn"
    SOILED = "soiled"
    LOST = "lost"


class ErasureReason(StrEnum):
    ON_REQUEST = "on_request"  # the holder asks, any time
    DEATH = "death"  # reported within 30 days by the person the Family Register Act obliges
    DISAPPEARANCE = "disappearance"  # 失踪の宣告
    REVOCATION = "revocation"


class Origin(Frozen):
    """本籍地 prefecture for Japanese nationals, nationality otherwise: exactly one of the two."""

    honseki_prefecture: PrefectureCode | None = None
    nationality: Nationality | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.honseki_prefecture is None) == (self.nationality is None):
            raise ValueError("give exactly one of honseki_prefecture and nationality")
        return self


class Disposition(Frozen):
    """Item 11: a disposition by the Minister."""

    kind: DispositionKind
    decided_on: IsoDate
    period_from: IsoDate | None = None
    period_to: IsoDate | None = None
    reason: LongText


class Relicensure(Frozen):
    """Item 12."""

    relicensed_on: IsoDate
    reason: LongText


class CertificateRewrite(Frozen):
    """Items 13-15."""

    reason: LongText
    rewritten_on: IsoDate


class CertificateReissue(Frozen):
    """Items 16-18."""

    reason: ReissueReason
    reissued_on: IsoDate


class Erasure(Frozen):
    """Items 19-21."""

    reason: ErasureReason
    erased_on: IsoDate
    note: LongText | None = None


class Registrant(Frozen):
    """The stored snapshot of one holder of one qualification; always the fold of its history."""

    tenant_id: str  # the administering organisation; in every key
    qualification: Qualification
    qualification_pseudonym_id: str
    portal_pseudonym_id: str | None = None
    registration_number: int = Field(ge=1)
    registered_on: IsoDate
    name: Name
    name_kana: NameKana
    sex: Sex
    birth_date: PastDate
    origin: Origin
    exam_passed_in: YearMonth
    address: Address
    minister_name: Text
    chair_name: Text
    status: Status = Status.REGISTERED
    dispositions: tuple[Disposition, ...] = ()
    relicensures: tuple[Relicensure, ...] = ()
    certificate_rewrites: tuple[CertificateRewrite, ...] = ()
    certificate_reissues: tuple[CertificateReissue, ...] = ()
    erasure: Erasure | None = None
    # Serial of the holder's current certificate: bumped by rewrite and reissue, so the digital
    # certificate (ROADMAP) can tell the live one from those it replaced.
    certificate_serial: int = 1
    version: int = Field(default=1, ge=1)

    def effective_status(self, on: date) -> Status:
        """A suspension holds only within its period: it starts on period_from, ends after period_to."""
        if self.status is Status.SUSPENDED and self.suspension_on(on) is None:
            return Status.REGISTERED
        return self.status

    def suspension_on(self, on: date) -> Disposition | None:
        """The suspension in force on ``on``, if any (a later one may already be decided)."""
        for disposition in reversed(self.dispositions):
            if disposition.kind is DispositionKind.REVOCATION:
                continue
            started = disposition.period_from is None or disposition.period_from <= on
            ended = disposition.period_to is not None and disposition.period_to < on
            if started and not ended:
                return disposition
        return None

    def revoked_since_last_relicensure(self) -> bool:
        last_relicensed = max((r.relicensed_on for r in self.relicensures), default=None)
        return any(
            d.kind is DispositionKind.REVOCATION and (last_relicensed is None or d.decided_on >= last_relicensed)
            for d in self.dispositions
        )
