"""The ports of the resident-register sync, beside the register's own (``ports.Ports``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ahaki.domain.audit import AuditRecord
from ahaki.domain.jlis import FileKey, RequestRecord, ResultRecord
from ahaki.domain.outbox import OutboxEvent
from ahaki.domain.sync_records import Finding, FindingStatus, Lookup, PlanCheckpoint, SyncRun
from ahaki.domain.values import Qualification


class ResidentRegister(Protocol):
    """J-LIS's population, as the fake keeps it (tests dial scenarios into it)."""

    def look_up(self, request: RequestRecord) -> list[ResultRecord]: ...


class Lookups(Protocol):
    """On-demand look-ups, pending until J-LIS's answer file arrives."""

    def save(self, lookup: Lookup) -> None: ...
    def get(self, tenant_id: str, lookup_id: str) -> Lookup | None: ...
    def answer(self, lookup: Lookup) -> bool: ...


class FileExchange(Protocol):
    def send(self, key: FileKey, lines: Iterable[str]) -> None: ...

    def lines(self, object_key: str) -> Iterator[str]: ...


class Queue(Protocol):
    def send(self, message: dict[str, Any]) -> None: ...


class Planner(Protocol):
    """Plans a run outside the staff request that opened it (in AWS: the planner function, invoked
    asynchronously; it resumes the run from its checkpoint)."""

    def plan(self, tenant_id: str, qualification: Qualification, run_id: str) -> None: ...


class QueryLog(Protocol):
    def of_actor(self, tenant_id: str, actor_id: str, since: datetime, until: datetime) -> list[AuditRecord]: ...


@dataclass(frozen=True)
class ChunkState:
    state: str | None  # None (not requested yet), "requested" or "processed"
    failing: frozenset[str] = frozenset()  # stages ("build", "result") counted failed now


class SyncStore(Protocol):
    def create_run(self, run: SyncRun) -> bool: ...
    def get_run(self, tenant_id: str, run_id: str) -> SyncRun | None: ...
    def add_to_run(self, tenant_id: str, run_id: str, **amounts: int) -> None: ...
    def plan_checkpoint(self, tenant_id: str, run_id: str) -> PlanCheckpoint | None: ...
    def plan_step(self, tenant_id: str, run_id: str, before: int, plan: PlanCheckpoint, records: int) -> bool: ...
    def plan_sent(self, tenant_id: str, run_id: str, chunk_no: int) -> None: ...
    def chunk_failing(self, tenant_id: str, run_id: str, chunk_no: int, stage: str) -> bool: ...
    def chunk_recovered(self, tenant_id: str, run_id: str, chunk_no: int, stage: str) -> bool: ...
    def chunk_state(self, tenant_id: str, run_id: str, chunk_no: int) -> ChunkState: ...
    def chunk_requested(self, tenant_id: str, run_id: str, chunk_no: int, requested: int) -> bool: ...
    def chunk_processed(
        self, tenant_id: str, run_id: str, chunk_no: int, counts: dict[str, int], problem: str | None
    ) -> bool: ...
    def mark(self, tenant_id: str, run_id: str, qualification_pseudonym_id: str, state: str) -> str | None: ...
    def marked(self, tenant_id: str, run_id: str, qualification_pseudonym_id: str) -> str | None: ...
    def quarantine(
        self, tenant_id: str, run_id: str, chunk_no: int, line_no: int, reason: str, record_number: int | None
    ) -> None: ...
    def open_finding(self, finding: Finding, event: OutboxEvent, expires_at: int) -> bool: ...
    def get_finding(self, tenant_id: str, finding_id: str) -> Finding | None: ...
    def close_finding(self, finding: Finding) -> None: ...
    def findings(
        self, tenant_id: str, status: FindingStatus, limit: int, cursor: str | None
    ) -> tuple[list[Finding], str | None]: ...
    def resident_codes(
        self, tenant_id: str, qualification: Qualification, first_number: int, last_number: int
    ) -> dict[str, str]: ...
    def link_resident(
        self, tenant_id: str, qualification: Qualification, registration_number: int, qid: str, resident_code: str
    ) -> None: ...
    def take(self, tenant_id: str, actor_id: str, window: str, limit: int, expires_at: int) -> bool: ...


@dataclass(frozen=True)
class SyncPorts:
    store: SyncStore
    exchange: FileExchange
    jlis: ResidentRegister
    queue: Queue
    query_log: QueryLog
    lookups: Lookups
    chunk_size: int = 5000  # one audit record lists a chunk's ids and must stay under 400 KB
    lookup_limit: int = 30  # on-demand look-ups per staff member per hour
    planner: Planner | None = None  # None: the caller plans the run itself (tests, sandbox)
    answers_at_once: bool = False  # the fake J-LIS: its answer file is there as soon as we ask
