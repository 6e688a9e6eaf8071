"""On-demand 住基ネット look-ups (purpose required, audited before the query, rate limited per
staff member) and the per-actor report of every query (the seed's periodic check)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ahaki.domain.audit import AuditRecord, Outcome
from ahaki.domain.errors import InvalidInput, NotFound, RateLimited
from ahaki.domain.jlis import RequestRecord, ResultCode, ResultRecord
from ahaki.domain.jlis_mapping import jlis_date, request_for, sex_code
from ahaki.domain.registrant import Registrant
from ahaki.domain.sync_records import LookupResult, ResidentLookupRequest
from ahaki.domain.values import JST
from ahaki.services.ports import Ports
from ahaki.services.registry import Caller, audit_alone, audit_entry, record_refusal, registrant_chain, shard_chain
from ahaki.services.sync import QUERY_ACTIONS, candidate_of
from ahaki.services.sync_ports import SyncPorts


def look_up(ports: Ports, sync: SyncPorts, caller: Caller, request: ResidentLookupRequest) -> LookupResult:
    """One 住基ネット query: rate limited per staff member, logged with its purpose first."""
    now = ports.clock()
    window = now.astimezone(JST).strftime("%Y%m%d%H")
    expires = int((now + timedelta(days=2)).timestamp())
    subject = request.qualification_pseudonym_id or request.application_id
    if not sync.store.take(caller.tenant_id, caller.actor_id, window, sync.lookup_limit, expires):
        record_refusal(ports, caller, "resident_lookup", Outcome.REJECTED, subject)
        raise RateLimited("Too many look-ups this hour; try again later.", retry_after_window=window)
    reference_date = request.reference_date or now.astimezone(JST).date()
    registrant: Registrant | None = None
    if request.qualification_pseudonym_id is not None:
        registrant = ports.reader.get(caller.tenant_id, request.qualification_pseudonym_id)
        if registrant is None:
            record_refusal(ports, caller, "resident_lookup", Outcome.NOT_FOUND, None)
            raise NotFound("no such registrant")
    chain = (
        registrant_chain(caller.tenant_id, request.qualification_pseudonym_id)
        if request.qualification_pseudonym_id
        else shard_chain(caller.tenant_id, ports.audit_shards)
    )
    by = "register" if registrant else "basic_items"
    detail = {"purpose": request.purpose, "by": by, "application_id": request.application_id}
    audit_alone(ports, chain, audit_entry(ports, caller, "resident_lookup", subject=subject, detail=detail))
    if registrant is not None:
        qid = registrant.qualification_pseudonym_id
        rn = registrant.registration_number
        code = sync.store.resident_codes(caller.tenant_id, registrant.qualification, rn, rn).get(qid, "")
        my_number = "" if code else (ports.vault.reveal(caller.tenant_id, qid) or "")
        query = request_for(registrant, 1, reference_date, my_number=my_number, resident_code=code)
    else:
        query = _four_items(request, reference_date)
    results = sync.jlis.look_up(query)
    found = [r for r in results if r.result_code in (ResultCode.FOUND, ResultCode.SEVERAL_MATCHES)]
    return LookupResult(
        result_code=results[0].result_code if results else ResultCode.ERROR.value,
        candidates=[candidate_of(r) for r in found],
        my_numbers=[r.my_number for r in found if r.my_number] if registrant is None else [],
        changed_items=_changed_items(query, found[0]) if registrant is not None and len(found) == 1 else [],
    )


def _four_items(request: ResidentLookupRequest, reference_date: date) -> RequestRecord:
    assert request.name_kana is not None and request.birth_date is not None and request.sex is not None
    return RequestRecord(
        request_record_number=1,
        subject_reference=(request.application_id or "on-demand").replace(".", "-")[:64],
        reference_date=jlis_date(reference_date),
        include_removed=False,
        subject_resident_code="",
        subject_name_kanji=request.name_kanji or "",
        subject_name_kana=f"{request.name_kana.family}\u3000{request.name_kana.given}",
        subject_birth_date=jlis_date(request.birth_date),
        subject_sex=sex_code(request.sex),
        subject_address=request.address_line or "",
        subject_municipality_code="",
        subject_my_number="",
    )


def _changed_items(query: RequestRecord, result: ResultRecord) -> list[str]:
    pairs = {
        "name": (query.subject_name_kanji, result.name_kanji),
        "name_kana": (query.subject_name_kana, result.name_kana),
        "birth_date": (query.subject_birth_date, result.birth_date),
        "sex": (query.subject_sex, result.sex),
        "address": (
            (query.subject_municipality_code, query.subject_address),
            (result.municipality_code, result.address),
        ),
    }
    changed = [name for name, (ours, theirs) in pairs.items() if ours != theirs]
    if result.vital_status != "1":
        changed.append("vital_status")
    return changed


# -- the query report ---------------------------------------------------------------------------


def query_report(
    ports: Ports, sync: SyncPorts, caller: Caller, actor_id: str, since: date, until: date
) -> list[AuditRecord]:
    """Every 住基ネット query an actor made in a period (the seed's periodic check)."""
    if until < since or (until - since).days > 366:
        raise InvalidInput("until", "must be on or after since, at most a year later")
    start = datetime(since.year, since.month, since.day, tzinfo=JST)
    end = datetime(until.year, until.month, until.day, tzinfo=JST) + timedelta(days=1)
    records = [r for r in sync.query_log.of_actor(caller.tenant_id, actor_id, start, end) if r.action in QUERY_ACTIONS]
    entry = audit_entry(ports, caller, "resident_query_report", detail={"actor": actor_id, "records": len(records)})
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
    return records
