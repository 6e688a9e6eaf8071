"""Use case of the resident-register sync's result files: decide every row of a chunk's result
file (unchanged, notation, an address applied through ``registry.change``, or a finding for staff)
and add its counts to the run once, whatever redeliveries do."""

from __future__ import annotations

from collections import Counter

from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import DomainError
from ahaki.kernel.outbox import OutboxEvent
from ahaki.registry.domain.operations import Operation
from ahaki.registry.services.ports import Ports
from ahaki.residents.domain.events import finding_kind
from ahaki.residents.domain.jlis import INBOUND, OUTBOUND, FileKey, ResultCode
from ahaki.residents.domain.jlis_codec import (
    CodecError,
    ResultReader,
    request_rows,
)
from ahaki.residents.domain.sync import Comparison, Decision, Item, classify
from ahaki.residents.domain.sync_outcome import Quarantined, assess
from ahaki.residents.domain.sync_records import (
    FOLDED,
    Finding,
)
from ahaki.residents.domain.verdicts import ERASURE_CANDIDATES, Verdict
from ahaki.residents.services.ports import SyncPorts
from ahaki.residents.services.sync import RESULT, Delivery, candidate_of, system_caller
from ahaki.residents.services.sync_effects import apply_address, note

OUTBOX_RETENTION = 7 * 24 * 3600
REPLACED = "the result file was replaced while its chunk was being processed (the earlier one may be partly applied)"


def process_result(ports: Ports, sync: SyncPorts, key: FileKey, final_attempt: bool = False) -> dict[str, int]:
    """Decide every row of a result file; the counts join the run once, whatever redeliveries do."""
    delivery = Delivery(sync, key, RESULT, final_attempt)
    if delivery.state is None:
        # The file may arrive before the request's checkpoint (the builder died in between and
        # is being retried): fail, so the queue delivers it again; a file for a chunk that never
        # existed ends in the dead-letter queue, with its alarm, instead of being dropped.
        raise ChunkNotRequested("no checkpoint for this chunk yet")
    if delivery.state == "requested":
        counts = _process(ports, sync, key)
    else:  # processed before: a redelivery, or another file put at the same key
        counts = {}
        _check_resent(sync, key, delivery.digest)
    delivery.succeeded()
    return counts


def _check_resent(sync: SyncPorts, key: FileKey, processed: str | None) -> None:
    """A different file at a processed chunk's key is not applied, but recorded for staff."""
    lines = sync.exchange.lines(key.of(INBOUND))
    for _ in lines:
        pass
    if processed and lines.digest != processed:
        reason = f"a different result file was re-sent for this processed chunk (sha256 {lines.digest}); not applied"
        entry = Quarantined(reason, kind=f"resent#{lines.digest[:16]}")
        sync.store.quarantine_all(key.tenant_id, key.run_id, key.chunk_no, [entry])


def _process(ports: Ports, sync: SyncPorts, key: FileKey) -> dict[str, int]:
    header, requests = request_rows(sync.exchange.lines(key.of(OUTBOUND)))
    if (header.run_id, header.chunk_no) != (key.run_id, key.chunk_no):
        raise CodecError("request file: header does not match its key")
    lines = sync.exchange.lines(key.of(INBOUND))
    # The whole file is judged before anything of it is applied (``sync_outcome``).
    outcome = assess(requests, ResultReader(lines), key.run_id, key.chunk_no)
    # Bound to this file before anything of it is applied: a worker that died midway resumes with
    # the same file on redelivery, and a file replaced at the key meanwhile is refused whole.
    if not sync.store.claim_result(key.tenant_id, key.run_id, key.chunk_no, lines.digest):
        outcome = outcome.refuse(REPLACED)
    caller = system_caller(key.tenant_id, f"{key.run_id}/{key.chunk_no}")
    off = sync.store.notation_settings(key.tenant_id).off  # the tenant's notation rules turned off
    counts: Counter[str] = Counter(outcome.counts)
    for decision in outcome.decisions:
        counts.update(_settle(ports, sync, caller, key.run_id, decision, off))
    sync.store.quarantine_all(key.tenant_id, key.run_id, key.chunk_no, outcome.entries())
    sync.store.chunk_processed(
        key.tenant_id, key.run_id, key.chunk_no, {k: v for k, v in counts.items() if v}, outcome.problem, lines.digest
    )
    return dict(counts)


def _settle(
    ports: Ports, sync: SyncPorts, caller: Caller, run_id: str, decision: Decision, off: frozenset[str]
) -> Counter[str]:
    """unchanged | notation | applied | findings, for one request and its result records, and the
    notation rules that folded its differences (``fold:<rule>``)."""
    request, first = decision.request, decision.results[0]
    qid = request.subject_reference
    if not request.subject_resident_code and first.result_code == ResultCode.FOUND:
        # Learned once (the first run asks by My Number); later runs ask by resident code.
        registrant = ports.reader.get(caller.tenant_id, qid)
        if registrant is not None:
            sync.store.link_resident(
                caller.tenant_id, registrant.qualification, registrant.registration_number, qid, first.resident_code
            )
    found = classify(request, decision.results, off, explain=True)  # with the tenant's rules
    counts = Counter({_outcome(ports, sync, caller, run_id, decision, found): len(decision.results)})
    counts.update(FOLDED + rule for rule in found.folded)
    return counts


_BY_THE_SYSTEM = frozenset({Verdict.ADDRESS_CHANGED, Verdict.NOTATION, Verdict.KANA_DIFFERS})


def _outcome(ports: Ports, sync: SyncPorts, caller: Caller, run_id: str, decision: Decision, found: Comparison) -> str:
    qid, first = decision.request.subject_reference, decision.results[0]
    if found.verdict is Verdict.UNCHANGED:
        return "unchanged"
    if found.verdict in _BY_THE_SYSTEM:
        try:
            if found.address is Item.CHANGED:
                apply_address(ports, sync, caller, run_id, qid, first, Operation.CHANGE_ADDRESS)
            elif found.address is Item.NOTATION:
                apply_address(ports, sync, caller, run_id, qid, first, Operation.ADOPT_NOTATION)
            if found.name is Item.NOTATION or found.kana is not Item.SAME:
                note(ports, sync, caller.tenant_id, run_id, qid, decision, found)
            return "applied" if found.verdict is Verdict.ADDRESS_CHANGED else "notation"
        except (DomainError, ValueError):
            if found.verdict is not Verdict.ADDRESS_CHANGED:  # notation: recorded, never a finding or a notice
                note(ports, sync, caller.tenant_id, run_id, qid, decision, found)
                return "notation"
            # a move on a record erased or changed meanwhile: staff decide (a finding)
    _open_finding(ports, sync, caller.tenant_id, run_id, qid, decision, found.verdict)
    return "findings"


def _open_finding(
    ports: Ports, sync: SyncPorts, tenant_id: str, run_id: str, qid: str, decision: Decision, verdict: Verdict
) -> None:
    found = [r for r in decision.results if r.result_code != ResultCode.NOT_FOUND and r.result_code != ResultCode.ERROR]
    finding = Finding(
        finding_id=f"{run_id}.{qid}",  # one per registrant per run: a redelivery opens nothing new
        tenant_id=tenant_id,
        qualification_pseudonym_id=qid,
        run_id=run_id,
        kind=verdict,
        erasure_candidate=verdict in ERASURE_CANDIDATES,
        opened_at=ports.clock(),
        candidates=tuple(candidate_of(r) for r in found),
    )
    event = OutboxEvent(
        event_id=f"sync-finding-{finding.finding_id}",
        tenant_id=tenant_id,
        kind=finding_kind(finding.kind),
        occurred_at=finding.opened_at,
        subject_id=qid,
        detail={"finding_id": finding.finding_id, "erasure_candidate": finding.erasure_candidate},
    )
    sync.store.open_finding(finding, event, int(finding.opened_at.timestamp()) + OUTBOX_RETENTION)


class ChunkNotRequested(Exception):
    """A result file for a chunk without a request checkpoint (yet)."""
