"""What the sync keeps: runs with their counts, findings for staff, and look-up requests.

A finding holds J-LIS's current values (names, address) for staff to review, never a My Number;
a run holds counts and ids only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from ahaki.kernel.model import Frozen
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import AddressLine, LongText, NameKana, PastDate, Sex, Text
from ahaki.registry.domain.commands import Correction, ErasureRequest
from ahaki.registry.domain.registrant import Status
from ahaki.residents.domain.verdicts import Verdict

COUNTS = (
    "planned",
    "requested",
    "received",
    "unchanged",
    "notation",
    "applied",
    "findings",
    "quarantined",
    "failed",
    "unanswered",
)
FOLDED = "fold:"  # prefix of the per-rule counts' attribute names (``RunCounts.folded``)


class RunCounts(Frozen):
    """Records in (``received``) = unchanged + notation + applied + findings + quarantined, always."""

    planned: int = 0
    requested: int = 0
    received: int = 0
    unchanged: int = 0
    # Differences in notation only (an address's notation adopted, a name's form or a reading
    # recorded for staff): no finding, no notice.
    notation: int = 0
    applied: int = 0  # moves applied (and announced as a change of address)
    findings: int = 0
    quarantined: int = 0
    failed: int = 0  # chunks whose message is in the dead-letter queue now (back to 0 after a redrive)
    unanswered: int = 0  # requests no result row answered (truncated or short files)
    # Differences folded as notation, by rule ("name.variants": 12, ...): why rows were not raised.
    folded: dict[str, int] = Field(default_factory=dict)

    def reconciles(self) -> bool:
        return self.received == self.unchanged + self.notation + self.applied + self.findings + self.quarantined


class SyncRun(Frozen):
    run_id: str
    tenant_id: str
    qualification: Qualification
    started_at: datetime
    started_by: str
    planning_done: bool = False  # the planner paged through every live registrant
    chunks_planned: int = 0
    chunks_requested: int = 0
    chunks_processed: int = 0
    counts: RunCounts = RunCounts()


class QuarantineEntry(Frozen):
    """One refused thing of a run, for staff: a file, a row (by line) or a registrant not
    settled (by id). Reasons name rules, never a value of the file."""

    chunk_no: int
    line_no: int = 0  # the row's line in the result file; 0 for a file or a registrant
    reason: str
    request_record_number: int | None = None
    qualification_pseudonym_id: str | None = None


class PlanCheckpoint(Frozen):
    """Where a run's planner is: the page to read next and the last chunk it planned. Written with
    the chunk's counts in one conditional update (``step`` is the optimistic lock), so a planner
    that dies resumes here and plans no chunk twice."""

    step: int = 0  # checkpoints written so far
    status: Status  # the status being paged
    cursor: str | None = None  # its next page (None: its first page, or no page left when done)
    chunk_no: int = 0  # the last chunk planned
    sent: int = 0  # the last chunk whose message is on the queue
    done: bool = False
    last: dict[str, Any] | None = None  # the message of chunk ``chunk_no`` (sent again if unsent)


class FindingStatus(StrEnum):
    # Recorded for staff, not raised: a name written differently or a reading that differs (the
    # kinds ``notation`` and ``kana_differs``). No notice; staff may align the register's form.
    NOTED = "noted"
    OPEN = "open"
    RESOLVED = "resolved"  # the register operation was applied
    DISMISSED = "dismissed"


class ResidentData(Frozen):
    """J-LIS's current values of one candidate (items 50-53 and the extensions)."""

    resident_code: str
    name_kanji: str
    name_kana: str
    birth_date: str
    sex: str
    address: str
    municipality_code: str
    vital_status: str
    change_status: str = ""


class Resolution(Frozen):
    decision: Literal["apply", "dismiss"]
    reason: str
    actor: str
    resolved_at: datetime
    registrant_version: int | None = None  # the register version the applied operation produced


class Finding(Frozen):
    finding_id: str
    tenant_id: str
    qualification_pseudonym_id: str
    run_id: str
    kind: Verdict
    erasure_candidate: bool  # deceased or removed: staff decide; never erased automatically
    status: FindingStatus = FindingStatus.OPEN
    opened_at: datetime
    candidates: tuple[ResidentData, ...] = ()
    resolution: Resolution | None = None
    folded: tuple[str, ...] = ()  # the notation rules that made J-LIS's values equal to ours


class ResolveFinding(Frozen):
    """Apply the register operation the finding calls for, or dismiss it; a reason either way."""

    decision: Literal["apply", "dismiss"]
    reason: LongText
    correction: Correction | None = None  # name or details changed, not found, several matches
    erasure: ErasureRequest | None = None  # deceased or removed

    @model_validator(mode="after")
    def _one_operation_when_applying(self) -> Self:
        given = (self.correction is not None) + (self.erasure is not None)
        if self.decision == "apply" and given != 1:
            raise ValueError("apply needs exactly one of correction and erasure")
        if self.decision == "dismiss" and given:
            raise ValueError("dismiss takes no correction or erasure")
        return self


class ResidentLookupRequest(Frozen):
    """On-demand 住基ネット look-up: a registrant by id (asked by resident code or My Number), or a
    person by the four basic items 氏名・住所・性別・生年月日 (e.g. an applicant under intake
    review; kana helps J-LIS narrow the match but is not one of the four). Purpose required."""

    purpose: LongText
    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    qualification_pseudonym_id: Text | None = None
    application_id: Text | None = None  # whom a four-items look-up is for (intake), for the log
    name_kanji: Text | None = None  # "family　given"
    address_line: AddressLine | None = None
    sex: Sex | None = None
    birth_date: PastDate | None = None
    name_kana: NameKana | None = None  # optional, with the four items only
    reference_date: PastDate | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        items = (self.name_kanji, self.address_line, self.sex, self.birth_date)
        by_items = all(v is not None for v in items)
        if (self.qualification_pseudonym_id is not None) == by_items:
            raise ValueError("give qualification_pseudonym_id, or name_kanji, address_line, sex and birth_date")
        if not by_items and any(v is not None for v in (*items, self.name_kana)):
            raise ValueError("the four basic items go together, without qualification_pseudonym_id")
        return self


class LookupResult(Frozen):
    """J-LIS's answer. My Numbers J-LIS gives in answer to a four-items look-up are not kept here
    (the vault is the only place for them): ``my_number_found`` says whether it gave one."""

    result_code: str
    candidates: list[ResidentData] = Field(default_factory=list)
    my_number_found: list[bool] = Field(default_factory=list)  # four-items look-ups, per candidate
    changed_items: list[str] = Field(default_factory=list)  # against the register, by id look-ups
    refused: str | None = None  # J-LIS's file was refused (result_code "90"), for this reason


LOOKUP_RUN_PREFIX = "lookup-"  # a look-up's exchange files: <direction>/<tenant>/lookup-<id>/000001.csv


class Lookup(Frozen):
    """One on-demand inquiry to J-LIS: sent as a one-record request file, answered later."""

    lookup_id: str
    tenant_id: str
    requested_by: str
    requested_at: datetime
    by: Literal["register", "basic_items"]
    qualification_pseudonym_id: str | None = None
    application_id: str | None = None
    status: Literal["pending", "answered"] = "pending"
    answered_at: datetime | None = None
    answer: LookupResult | None = None
    expires_at: int  # epoch seconds (DynamoDB TTL): the answer holds personal data

    @property
    def run_id(self) -> str:
        return f"{LOOKUP_RUN_PREFIX}{self.lookup_id}"
