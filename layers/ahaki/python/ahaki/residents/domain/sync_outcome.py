"""What a chunk's result file decides, all of it, before any of it touches the register.

``reconcile`` streams decisions row by row; a later row can still contradict an earlier decision
(a second answer for the same request, a row out of order, a file whose trailer does not add
up). So the whole file is read first: a request with any refused row is refused whole, a file
with a file-level problem (or a header that is not the one of the key it arrived at) is refused
whole, and only then are the remaining decisions settled. Memory stays bounded by the chunk:
one entry per request, never per row. Every request not settled is named with its reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from ahaki.residents.domain.jlis import RequestRecord, ResultCode, ResultRecord, VitalStatus
from ahaki.residents.domain.jlis_codec import Rejected, ResultReader
from ahaki.residents.domain.sync import Decision, Unanswered, Unchanged, reconcile

LISTED_ROWS = 100  # refused rows listed one by one; beyond, one entry counts the rest
MAX_REFUSED = 100_000  # request numbers remembered as refused (a chunk has 5,000); beyond, the file is refused
NO_ANSWER = "no answer in the result file"


@dataclass(frozen=True, slots=True)
class Unsettled:
    """A request whose answer is not used, for staff: the registrant's id and why."""

    request_record_number: int
    subject_reference: str
    reason: str


@dataclass(frozen=True, slots=True)
class Quarantined:
    """One entry of a chunk's quarantine list for staff. ``kind`` keys it within the chunk (the
    same entry written twice, by a redelivery, is one entry)."""

    reason: str
    kind: str
    line_no: int = 0
    request_record_number: int | None = None
    qualification_pseudonym_id: str | None = None


@dataclass
class ChunkOutcome:
    problem: str | None = None  # the file is refused whole, for this reason
    decisions: list[Decision] = field(default_factory=list)  # to settle
    unsettled: list[Unsettled] = field(default_factory=list)  # every request not settled
    rejected: list[Rejected] = field(default_factory=list)  # the first LISTED_ROWS refused rows
    rejected_rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # received, unchanged, quarantined, unanswered
    read: _Read | None = field(default=None, repr=False)

    def refuse(self, problem: str) -> ChunkOutcome:
        """The same file refused whole after all, for a reason found outside it."""
        return _judge(self.read or _Read(), problem)

    def entries(self) -> list[Quarantined]:
        """The quarantine list: the file's problem, each refused row (the first LISTED_ROWS, then
        how many more), and every request not settled, by its registrant's id."""
        found = [Quarantined(f"file: {self.problem}", "file")] if self.problem else []
        for r in self.rejected:
            found.append(Quarantined(r.reason, f"row#{r.line_no:09d}", r.line_no, r.request_record_number))
        unlisted = self.rejected_rows - len(self.rejected)
        if unlisted:
            found.append(Quarantined(f"{unlisted} more rows refused (not listed)", "more"))
        for u in self.unsettled:
            number = u.request_record_number
            found.append(Quarantined(u.reason, f"request#{number:09d}", 0, number, u.subject_reference))
        return found


def echoed(request: RequestRecord) -> ResultRecord:
    """The record an ``Unchanged`` row stood for: found, alive, every value as asked."""
    r = request
    return ResultRecord(
        request_record_number=r.request_record_number,
        subject_reference=r.subject_reference,
        result_code=ResultCode.FOUND.value,
        result_record_count=1,
        result_record_seq=1,
        matched_items="",
        changed=False,
        vital_status=VitalStatus.ALIVE.value,
        change_status="",
        resident_code=r.subject_resident_code,
        name_kanji=r.subject_name_kanji,
        name_kana=r.subject_name_kana,
        birth_date=r.subject_birth_date,
        sex=r.subject_sex,
        address=r.subject_address,
        municipality_code=r.subject_municipality_code,
    )


def header_problem(reader: ResultReader, run_id: str, chunk_no: int) -> str | None:
    """The file's own problem, or a header that names another run or chunk than its key."""
    if reader.problem is not None:
        return reader.problem
    header = reader.header
    if header is None or header.run_id != run_id or header.chunk_no != chunk_no:
        return "header does not match the object key (run or chunk)"
    return None


@dataclass
class _Read:
    """One entry per request (never per row): memory is bounded by the chunk."""

    unchanged: dict[int, str] = field(default_factory=dict)  # number -> subject_reference
    decided: dict[int, Decision] = field(default_factory=dict)
    unanswered: dict[int, str] = field(default_factory=dict)
    refused: dict[int, str] = field(default_factory=dict)  # number -> the first reason a row of it was refused
    rejected: list[Rejected] = field(default_factory=list)
    rejected_rows: int = 0
    overflow: bool = False  # more request numbers refused than remembered: the file is refused whole


def assess(requests: Iterator[list[str]], reader: ResultReader, run_id: str, chunk_no: int) -> ChunkOutcome:
    """Read every row; decide which requests are settled and which are refused, and why."""
    read = _Read()
    for item in reconcile(requests, reader):
        if isinstance(item, Unchanged):
            read.unchanged[item.request_record_number] = item.subject_reference
        elif isinstance(item, Rejected):
            read.rejected_rows += 1
            if len(read.rejected) < LISTED_ROWS:
                read.rejected.append(item)
            if item.request_record_number is not None and len(read.refused) < MAX_REFUSED:
                read.refused.setdefault(item.request_record_number, item.reason)
            elif item.request_record_number is not None:
                read.overflow = True  # memory stays bounded whatever the file holds
        elif isinstance(item, Unanswered):
            read.unanswered[item.request.request_record_number] = item.request.subject_reference
        else:
            read.decided[item.request.request_record_number] = item
    problem = header_problem(reader, run_id, chunk_no)
    return _judge(read, "too many refused rows" if problem is None and read.overflow else problem)


def _judge(read: _Read, problem: str | None) -> ChunkOutcome:
    out = ChunkOutcome(problem=problem, rejected=read.rejected, rejected_rows=read.rejected_rows, read=read)
    rows_decided = sum(len(d.results) for d in read.decided.values())
    out.counts["received"] = read.rejected_rows + len(read.unchanged) + rows_decided
    refused = read.refused
    if problem is not None:
        refused = dict.fromkeys([*read.unchanged, *read.decided, *read.unanswered], f"file refused: {problem}")
    quarantined = read.rejected_rows
    for number, reference in read.unchanged.items():
        if number in refused:
            quarantined += 1
            out.unsettled.append(Unsettled(number, reference, refused[number]))
        else:
            out.counts["unchanged"] += 1
    for number, decision in read.decided.items():
        if number in refused:
            quarantined += len(decision.results)
            out.unsettled.append(Unsettled(number, decision.request.subject_reference, refused[number]))
        else:
            out.decisions.append(decision)
    for number, reference in read.unanswered.items():
        out.unsettled.append(Unsettled(number, reference, refused.get(number, NO_ANSWER)))
    out.unsettled.sort(key=lambda u: u.request_record_number)
    out.counts["quarantined"] = quarantined
    out.counts["unanswered"] = len(out.unsettled)
    return out
