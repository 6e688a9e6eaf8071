"""What a settled row of the sync writes besides a finding: a move or an adopted notation of the
address (the register's own operation, ``registry.change``), and the records that are not
findings (a name written differently, a reading that differs: status ``noted``, without an
outbox event, so no notice ever follows)."""

from __future__ import annotations

from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import NotFound
from ahaki.registry.domain.commands import AddressUpdate
from ahaki.registry.domain.operations import Operation
from ahaki.registry.services import registry
from ahaki.registry.services.ports import Ports
from ahaki.residents.domain.jlis import ResultRecord
from ahaki.residents.domain.jlis_mapping import address_of
from ahaki.residents.domain.sync import Comparison, Decision, Item
from ahaki.residents.domain.sync_records import Finding, FindingStatus, ResidentData
from ahaki.residents.domain.verdicts import Verdict
from ahaki.residents.services.ports import SyncPorts


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


_REASONS = {
    Operation.CHANGE_ADDRESS: "住民基本台帳ネットワークシステム照会による住所の異動 (run {run_id})",
    Operation.ADOPT_NOTATION: "住民基本台帳の表記に合わせた住所の表記 (run {run_id})",
}


def apply_address(
    ports: Ports, sync: SyncPorts, caller: Caller, run_id: str, qid: str, result: ResultRecord, operation: Operation
) -> None:
    """A move (announced to the holder) or the same address in the resident register's notation
    (a history event of its own kind, no notice); neither is a 名簿訂正."""
    if sync.store.marked(caller.tenant_id, run_id, qid) == "applied":
        return  # a redelivery: done before
    sync.store.mark(caller.tenant_id, run_id, qid, "applying")
    new = address_of(result)
    current = ports.reader.get(caller.tenant_id, qid)
    if current is None:
        raise NotFound("no such registrant")
    if current.address != new:  # else applied by an earlier attempt that died before its marker
        update = AddressUpdate(address=new, reason=_REASONS[operation].format(run_id=run_id))
        registry.change(ports, caller, qid, operation, update, None)
    sync.store.mark(caller.tenant_id, run_id, qid, "applied")
