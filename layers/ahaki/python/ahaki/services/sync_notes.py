"""Records of the sync that are not findings: a name written differently, or a reading that
differs, kept for staff (status ``noted``) without an outbox event, so no notice ever follows."""

from __future__ import annotations

from ahaki.domain.jlis import ResultRecord
from ahaki.domain.sync import Comparison, Decision, Item, Verdict
from ahaki.domain.sync_records import Finding, FindingStatus, ResidentData
from ahaki.services.ports import Ports
from ahaki.services.sync_ports import SyncPorts


def resident_data(r: ResultRecord) -> ResidentData:
    return ResidentData(
        resident_code=r.resident_code,
        name_kanji=r.name_kanji,
        name_kana=r.name_kana,
        birth_date=r.birth_date,
        sex=r.sex,
        address=r.address,
        municipality_code=r.municipality_code,
        vital_status=r.vital_status,
        change_status=r.change_status,
    )


def note(
    ports: Ports, sync: SyncPorts, tenant_id: str, run_id: str, qid: str, decision: Decision, found: Comparison
) -> None:
    """Record, not raise: the name as the resident register writes it (or its reading), for staff
    to align the register's form if they choose. The stored name is not touched; no notice."""
    kind = Verdict.KANA_DIFFERS if found.kana is Item.CHANGED else Verdict.NOTATION
    sync.store.note(
        Finding(
            finding_id=f"noted.{qid}",  # one per registrant: the latest run's values
            tenant_id=tenant_id,
            qualification_pseudonym_id=qid,
            run_id=run_id,
            kind=kind,
            erasure_candidate=False,
            status=FindingStatus.NOTED,
            opened_at=ports.clock(),
            candidates=(resident_data(decision.results[0]),),
            folded=found.folded,
        )
    )
