"""On-demand 住基ネット look-ups (purpose required, audited before the query, rate limited per
staff member) and the per-actor report of every query (the seed's periodic check).

J-LIS answers an inquiry later, not within the request (the seed's 本人確認情報照会要求 to the
national server): a look-up is a one-record request file through the same exchange as the
monthly sync; its result file's S3 event brings the answer to the sync worker, which keeps it on
the look-up; staff read it with GET /admin/resident-lookups/{lookup_id}.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ahaki.kernel.audit import AuditRecord, Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidInput, NotFound, RateLimited
from ahaki.kernel.values import JST
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services.ports import Ports
from ahaki.registry.services.registry import registrant_chain
from ahaki.residents.domain.jlis import INBOUND, OUTBOUND, FileKey, RequestRecord, ResultCode, ResultRecord
from ahaki.residents.domain.jlis_codec import ResultReader, decode_requests, encode_requests, request_rows
from ahaki.residents.domain.jlis_mapping import jlis_date, request_for, sex_code
from ahaki.residents.domain.sync_outcome import assess, echoed
from ahaki.residents.domain.sync_records import LOOKUP_RUN_PREFIX, Lookup, LookupResult, ResidentLookupRequest
from ahaki.residents.services.ports import SyncPorts
from ahaki.residents.services.sync import QUERY_ACTIONS, candidate_of

LOOKUP_RETENTION_DAYS = 30  # the answer (names, addresses) is for the review at hand, then it goes


def request_lookup(ports: Ports, sync: SyncPorts, caller: Caller, request: ResidentLookupRequest) -> Lookup:
    """One 住基ネット inquiry: rate limited per staff member, logged with its purpose first, sent to
    J-LIS as a one-record request file through the exchange. J-LIS answers later, by file."""
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
    lookup = Lookup(
        lookup_id=ports.new_id(),
        tenant_id=caller.tenant_id,
        requested_by=caller.actor_id,
        requested_at=now,
        by="register" if registrant else "basic_items",
        qualification_pseudonym_id=request.qualification_pseudonym_id,
        application_id=request.application_id,
        expires_at=int((now + timedelta(days=LOOKUP_RETENTION_DAYS)).timestamp()),
    )
    detail = {"purpose": request.purpose, "by": lookup.by, "application_id": request.application_id}
    audit_alone(
        ports,
        chain,
        audit_entry(
            ports, caller, "resident_lookup", subject=subject, detail={**detail, "lookup_id": lookup.lookup_id}
        ),
    )
    if registrant is not None:
        qid = registrant.qualification_pseudonym_id
        rn = registrant.registration_number
        code = sync.store.resident_codes(caller.tenant_id, registrant.qualification, rn, rn).get(qid, "")
        my_number = "" if code else (ports.vault.reveal(caller.tenant_id, qid) or "")
        query = request_for(registrant, 1, reference_date, my_number=my_number, resident_code=code)
    else:
        query = _four_items(request, reference_date)
    sync.lookups.save(lookup)
    key = FileKey(caller.tenant_id, lookup.run_id, 1)
    sync.exchange.send(key, encode_requests(lookup.run_id, 1, now.astimezone(JST).strftime("%Y%m%d%H%M%S"), [query]))
    if sync.answers_at_once:  # the fake J-LIS answered into inbound/ already; in AWS its S3 event does this
        receive_answer(ports, sync, key)
        return sync.lookups.get(caller.tenant_id, lookup.lookup_id) or lookup
    return lookup


def receive_answer(ports: Ports, sync: SyncPorts, key: FileKey) -> Lookup | None:
    """J-LIS's result file for a look-up: the answer is kept on the look-up (once)."""
    lookup = sync.lookups.get(key.tenant_id, key.run_id.removeprefix(LOOKUP_RUN_PREFIX))
    if lookup is None or lookup.status == "answered":
        return lookup  # an unknown look-up's file is left alone; a redelivery changes nothing
    _, requests = decode_requests(sync.exchange.lines(key.of(OUTBOUND)))
    [query] = list(requests)
    # Judged as a chunk's file is (header against key, trailer, identity, values): a refused file
    # answers "90" with the reason, and none of its values reach staff as candidates.
    _, rows = request_rows(sync.exchange.lines(key.of(OUTBOUND)))
    outcome = assess(rows, ResultReader(sync.exchange.lines(key.of(INBOUND))), key.run_id, key.chunk_no)
    refused = outcome.problem or next((u.reason for u in outcome.unsettled), None)
    results = [r for d in outcome.decisions for r in d.results]
    if outcome.counts["unchanged"]:  # the answer repeats what we asked, value for value
        results = [echoed(query)]
    found = [r for r in results if r.result_code in (ResultCode.FOUND, ResultCode.SEVERAL_MATCHES)]
    by_register = lookup.by == "register"
    answer = LookupResult(
        result_code=results[0].result_code if results and not refused else ResultCode.ERROR.value,
        candidates=[] if refused else [candidate_of(r) for r in found],
        my_number_found=[] if by_register or refused else [bool(r.my_number) for r in found],
        changed_items=_changed_items(query, found[0]) if by_register and len(found) == 1 and not refused else [],
        refused=refused,
    )
    answered = lookup.model_copy(update={"status": "answered", "answered_at": ports.clock(), "answer": answer})
    sync.lookups.answer(answered)
    return answered


def get_lookup(ports: Ports, sync: SyncPorts, caller: Caller, lookup_id: str) -> Lookup:
    """A look-up, pending or answered; reading an answer (personal data) is audited."""
    lookup = sync.lookups.get(caller.tenant_id, lookup_id)
    if lookup is None:
        record_refusal(ports, caller, "read_resident_lookup", Outcome.NOT_FOUND, None)
        raise NotFound("no such look-up")
    chain = (
        registrant_chain(caller.tenant_id, lookup.qualification_pseudonym_id)
        if lookup.qualification_pseudonym_id
        else shard_chain(caller.tenant_id, ports.audit_shards)
    )
    detail = {"lookup_id": lookup_id, "status": lookup.status}
    entry = audit_entry(ports, caller, "read_resident_lookup", subject=lookup.qualification_pseudonym_id, detail=detail)
    audit_alone(ports, chain, entry)
    return lookup


def _four_items(request: ResidentLookupRequest, reference_date: date) -> RequestRecord:
    assert request.name_kanji is not None and request.birth_date is not None and request.sex is not None
    kana = request.name_kana
    return RequestRecord(
        request_record_number=1,
        subject_reference=(request.application_id or "on-demand").replace(".", "-")[:64],
        reference_date=jlis_date(reference_date),
        include_removed=False,
        subject_resident_code="",
        subject_name_kanji=request.name_kanji,
        subject_name_kana=f"{kana.family}\u3000{kana.given}" if kana is not None else "",
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
