"""Use cases of the resident-register sync's runs: plan a run, build a chunk's request file (its
result file: ``sync_results``). Findings: ``findings``; on-demand look-ups and the query report:
``lookup``.

Every change to the register goes through ``registry.change`` (the register's own operation):
history event, audit record and outbox event in one transaction, with the system as actor for
addresses applied automatically. Plaintext My Numbers exist only in memory while a request is
built and inside the SSE-KMS request object; they are never logged, audited, stored in a finding
or put in an event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ahaki.kernel.auditing import audit_alone, audit_entry, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidInput, NotFound
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import JST
from ahaki.registry.domain.registrant import Status
from ahaki.registry.services.ports import Ports
from ahaki.residents.domain.jlis import FileKey, RequestRecord, ResultRecord
from ahaki.residents.domain.jlis_codec import (
    encode_requests,
    unwritable,
)
from ahaki.residents.domain.jlis_mapping import request_for
from ahaki.residents.domain.sync_outcome import Quarantined
from ahaki.residents.domain.sync_records import (
    PlanCheckpoint,
    QuarantineEntry,
    ResidentData,
    SyncRun,
)
from ahaki.residents.services.ports import SyncPorts
from ahaki.residents.services.sync_effects import resident_data

SYSTEM_ACTOR = "system:resident-sync"
SYSTEM_ROLE = "system"
LIVE = (Status.REGISTERED, Status.SUSPENDED)
BATCH_PURPOSE = "定期照合: scheduled verification of the register against the resident register"
QUERY_ACTIONS = frozenset({"resident_lookup", "jlis_batch_query"})
BUILD, RESULT = "build", "result"  # a chunk's two messages: its request file, its result file
_RUN_IDS = uuid.UUID("6f1d0c1e-4b1a-5e0e-9a57-2d2f7c1a0b04")


def system_caller(tenant_id: str, request_id: str) -> Caller:
    return Caller(actor_id=SYSTEM_ACTOR, role=SYSTEM_ROLE, tenant_id=tenant_id, request_id=request_id)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y%m%d%H%M%S")


# -- a run --------------------------------------------------------------------------------------


def scheduled_run_id(tenant_id: str, qualification: Qualification, scheduled_time: str) -> str:
    """One run per schedule firing: the scheduler's and Lambda's retries of it find the same run."""
    return str(uuid.uuid5(_RUN_IDS, f"{tenant_id}/{qualification.value}/{scheduled_time}"))


def request_run(
    ports: Ports, sync: SyncPorts, caller: Caller, qualification: Qualification, run_id: str | None = None
) -> SyncRun:
    """Staff start (or resume) a run: it is opened and audited here, and planned by the planner.

    Planning a million registrants takes minutes, longer than an API request may: the request
    answers 202 with the run, whose progress (``planning_done``) staff then follow."""
    if sync.planner is None:
        return start_run(ports, sync, caller, qualification, run_id)
    found = _open_run(ports, sync, caller, qualification, run_id)
    sync.planner.plan(caller.tenant_id, qualification, found.run_id)
    return found


def start_run(
    ports: Ports, sync: SyncPorts, caller: Caller, qualification: Qualification, run_id: str | None = None
) -> SyncRun:
    """Page through every live registrant in chunks onto the queue (one message per chunk).

    Given the id of a run whose planner died, resume from its checkpoint: the chunks planned
    before are not planned again, and at most the last one (planned, not known to be sent) is
    sent a second time, which the worker's chunk checkpoint absorbs."""
    found = _open_run(ports, sync, caller, qualification, run_id)
    plan = sync.store.plan_checkpoint(caller.tenant_id, found.run_id) or PlanCheckpoint(status=LIVE[0])
    if plan.last is not None and plan.sent < plan.chunk_no:
        _send_planned(sync, caller.tenant_id, found.run_id, plan.last, record=True)  # died before it was recorded
        plan = plan.model_copy(update={"sent": plan.chunk_no})
    while not plan.done:
        plan = _plan_next(ports, sync, found, plan)
    return sync.store.get_run(caller.tenant_id, found.run_id) or found


def _open_run(
    ports: Ports, sync: SyncPorts, caller: Caller, qualification: Qualification, run_id: str | None
) -> SyncRun:
    """The run, created (or found, to resume it) and audited."""
    run = SyncRun(
        run_id=run_id or ports.new_id(),
        tenant_id=caller.tenant_id,
        qualification=qualification,
        started_at=ports.clock(),
        started_by=caller.actor_id,
    )
    created = sync.store.create_run(run)
    action = "start_sync_run" if created else "resume_sync_run"
    audit_alone(
        ports,
        shard_chain(caller.tenant_id, ports.audit_shards),
        audit_entry(ports, caller, action, detail={"run_id": run.run_id}),
    )
    found = sync.store.get_run(caller.tenant_id, run.run_id)
    if found is None or found.qualification is not qualification:
        raise InvalidInput("run_id", "names a run of another qualification")
    return found


class PlannerRace(Exception):
    """Another planner moved this run's checkpoint on meanwhile: this one stops."""


def _plan_next(ports: Ports, sync: SyncPorts, run: SyncRun, plan: PlanCheckpoint) -> PlanCheckpoint:
    """Read one page, checkpoint it with its counts, then send its message."""
    page = ports.reader.by_status(run.tenant_id, run.qualification, plan.status, sync.chunk_size, plan.cursor)
    position = LIVE.index(plan.status)
    last_status = position + 1 == len(LIVE)
    status = plan.status if page.cursor or last_status else LIVE[position + 1]
    message: dict[str, Any] | None = None
    if page.items:
        message = {
            "kind": "build",
            "tenant_id": run.tenant_id,
            "run_id": run.run_id,
            "chunk_no": plan.chunk_no + 1,
            "qualification": run.qualification.value,
            "status": plan.status.value,
            "cursor": plan.cursor,
            "records": len(page.items),
        }
    after = PlanCheckpoint(
        step=plan.step + 1,
        status=status,
        cursor=page.cursor,
        chunk_no=plan.chunk_no + (1 if message else 0),
        sent=plan.sent,
        done=page.cursor is None and last_status,
        last=message or plan.last,
    )
    if not sync.store.plan_step(run.tenant_id, run.run_id, plan.step, after, len(page.items)):
        raise PlannerRace("the run's plan moved on")
    if message is not None:
        # Sent: the next checkpoint records it; the last one is recorded on its own.
        _send_planned(sync, run.tenant_id, run.run_id, message, record=after.done)
        after = after.model_copy(update={"sent": after.chunk_no})
    return after


def _send_planned(sync: SyncPorts, tenant_id: str, run_id: str, message: dict[str, Any], record: bool) -> None:
    sync.queue.send(message)
    if record:
        sync.store.plan_sent(tenant_id, run_id, int(message["chunk_no"]))


class Delivery:
    """One delivery of a chunk's message and the chunk's ``failed`` bookkeeping around it.

    On the last delivery before the dead-letter queue the chunk is counted failed *first*, so a
    worker that dies on it leaves it counted while it sits in the DLQ; a later success (after a
    redrive) takes it out again. Both are conditional writes: a chunk counts at most once. The
    chunk's state and its failure markers come in one read, so a normal delivery costs nothing
    extra."""

    def __init__(self, sync: SyncPorts, key: FileKey, stage: str, final_attempt: bool) -> None:
        self._sync, self._key, self._stage = sync, key, stage
        found = sync.store.chunk_state(key.tenant_id, key.run_id, key.chunk_no)
        self.state = found.state
        self.digest = found.digest
        self._failing = stage in found.failing
        if final_attempt and not self._failing:
            self._failing = sync.store.chunk_failing(key.tenant_id, key.run_id, key.chunk_no, stage)

    def succeeded(self) -> None:
        if self._failing:
            self._sync.store.chunk_recovered(self._key.tenant_id, self._key.run_id, self._key.chunk_no, self._stage)


def build_chunk(
    ports: Ports,
    sync: SyncPorts,
    key: FileKey,
    qualification: Qualification,
    status: Status,
    cursor: str | None,
    page_size: int | None = None,
    final_attempt: bool = False,
) -> None:
    """Write the chunk's request file; a redelivered message finds the checkpoint and stops.
    ``page_size``, the size of the page the planner read (its message's ``records``), makes this
    the same page whatever the worker's chunk size setting."""
    delivery = Delivery(sync, key, BUILD, final_attempt)
    if delivery.state is None:
        _build(ports, sync, key, qualification, status, page_size or sync.chunk_size, cursor)
    delivery.succeeded()


def _build(
    ports: Ports,
    sync: SyncPorts,
    key: FileKey,
    qualification: Qualification,
    status: Status,
    size: int,
    cursor: str | None,
) -> None:
    page = ports.reader.by_status(key.tenant_id, qualification, status, size, cursor)
    today = ports.clock().astimezone(JST).date()
    # A record the file cannot carry (held from before the register refused such values) is not
    # asked but named for staff; the others are asked as usual.
    unasked = {r.qualification_pseudonym_id: f for r in page.items if (f := unwritable(request_for(r, 1, today)))}
    asked = [r for r in page.items if r.qualification_pseudonym_id not in unasked]
    ids = [r.qualification_pseudonym_id for r in asked]
    numbers = [r.registration_number for r in asked]
    codes = sync.store.resident_codes(key.tenant_id, qualification, min(numbers, default=0), max(numbers, default=0))
    caller = system_caller(key.tenant_id, f"{key.run_id}/{key.chunk_no}")
    # The query is logged (who, whom, why, when) before anything leaves for J-LIS.
    entry = audit_entry(
        ports,
        caller,
        "jlis_batch_query",
        subjects=tuple(ids),
        detail={"purpose": BATCH_PURPOSE, "run_id": key.run_id, "chunk_no": key.chunk_no},
    )
    audit_alone(ports, shard_chain(key.tenant_id, ports.audit_shards), entry)

    def records() -> Iterator[RequestRecord]:
        for number, registrant in enumerate(asked, start=1):
            code = codes.get(registrant.qualification_pseudonym_id, "")
            # Asked by resident code once we know it: the vault (and KMS) is opened only the first time.
            my_number = "" if code else (ports.vault.reveal(key.tenant_id, registrant.qualification_pseudonym_id) or "")
            yield request_for(registrant, number, today, my_number=my_number, resident_code=code)

    sync.exchange.send(key, encode_requests(key.run_id, key.chunk_no, _stamp(ports.clock()), records()))
    entries = [
        Quarantined(f"not asked: {field} cannot be written to the request file", f"unasked#{qid}", 0, None, qid)
        for qid, field in unasked.items()
    ]
    sync.store.quarantine_all(key.tenant_id, key.run_id, key.chunk_no, entries)
    sync.store.chunk_requested(key.tenant_id, key.run_id, key.chunk_no, len(ids), len(unasked))


def candidate_of(r: ResultRecord) -> ResidentData:
    return resident_data(r)


def quarantine_of(
    sync: SyncPorts, caller: Caller, run_id: str, limit: int, cursor: str | None
) -> tuple[list[QuarantineEntry], str | None]:
    """A run's quarantine list, a page at a time (files, rows and registrants, in chunk order)."""
    get_run(sync, caller, run_id)
    return sync.store.quarantined(caller.tenant_id, run_id, limit, cursor)


def get_run(sync: SyncPorts, caller: Caller, run_id: str) -> SyncRun:
    run = sync.store.get_run(caller.tenant_id, run_id)
    if run is None:
        raise NotFound("no such sync run")
    return run
