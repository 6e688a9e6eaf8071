"""What the sync's staff routes return and take: findings, runs, quarantine, the query report and
the notation rules. A resolved finding carries the registrant in the registry's published view."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from ahaki.kernel.audit import AuditRecord
from ahaki.kernel.qualification import Qualification
from ahaki.registry.api import RegistrantView, registrant_view
from ahaki.registry.domain.registrant import Registrant
from ahaki.residents.domain.notation.catalogue import VARIANTS_VERSION, NotationSettings, RuleView, rules_view
from ahaki.residents.domain.sync_records import Finding, QuarantineEntry, SyncRun


class FindingList(BaseModel):
    items: list[Finding]
    cursor: str | None = None


class ResolvedFinding(BaseModel):
    finding: Finding
    registrant: RegistrantView | None = None


class RunView(SyncRun):
    reconciles: bool  # received = unchanged + notation + applied + findings + quarantined


class StartRun(BaseModel):
    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    # Given, resume this run's planning from its checkpoint (its planner stopped midway).
    run_id: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None


class QuarantineList(BaseModel):
    """What of a run's result files was refused, and which registrants were not settled, and why."""

    run_id: str
    entries: list[QuarantineEntry]
    cursor: str | None = None


class QueryReport(BaseModel):
    actor: str
    since: date
    until: date
    records: list[AuditRecord]


class NotationSettingsView(NotationSettings):
    rules: list[RuleView]  # every rule, with why and whether it is on for this tenant
    variants_version: str  # the variant table's version (layers/.../notation/variants.tsv)


def resolved_view(finding: Finding, registrant: Registrant | None) -> ResolvedFinding:
    return ResolvedFinding(finding=finding, registrant=registrant_view(registrant) if registrant else None)


def settings_view(settings: NotationSettings) -> NotationSettingsView:
    return NotationSettingsView(**settings.model_dump(), rules=rules_view(settings), variants_version=VARIANTS_VERSION)
