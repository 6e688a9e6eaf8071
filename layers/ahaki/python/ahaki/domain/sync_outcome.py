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

from ahaki.domain.jlis_codec import Rejected, ResultReader
from ahaki.domain.sync import Decision, Unanswered, Unchanged, reconcile

LISTED_ROWS = 100  # refused rows listed one by one; beyond, one entry counts the rest
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


def header_problem(reader: ResultReader, run_id: str, chunk_no: int) -> str | None:
    """The file's own problem, or a header that names another run or chunk than its key."""
    if reader.problem is not None:
        return reader.problem
    header = reader.header
    if header is None or header.run_id != run_id or header.chunk_no != chunk_no:
        return "header does not match the object key (run or chunk)"
    return None


def assess(requests: Iterator[list[str]], reader: ResultReader, run_id: str, chunk_no: int) -> ChunkOutcome:
    """Read every row; decide which requests are settled and which are refused, and why."""
    out = ChunkOutcome()
    unchanged: dict[int, str] = {}
    decided: dict[int, Decision] = {}
    unanswered: dict[int, str] = {}
    refused: dict[int, str] = {}  # request number -> the first reason a row of it was refused
    for item in reconcile(requests, reader):
        if isinstance(item, Unchanged):
            unchanged[item.request_record_number] = item.subject_reference
        elif isinstance(item, Rejected):
            out.rejected_rows += 1
            if len(out.rejected) < LISTED_ROWS:
                out.rejected.append(item)
            if item.request_record_number is not None:
                refused.setdefault(item.request_record_number, item.reason)
        elif isinstance(item, Unanswered):
            unanswered[item.request.request_record_number] = item.request.subject_reference
        else:
            decided[item.request.request_record_number] = item
    rows_decided = sum(len(d.results) for d in decided.values())
    out.counts["received"] = out.rejected_rows + len(unchanged) + rows_decided
    out.problem = header_problem(reader, run_id, chunk_no)
    if out.problem is not None:
        refused = dict.fromkeys([*unchanged, *decided, *unanswered], f"file refused: {out.problem}")
    quarantined = out.rejected_rows
    for number, reference in unchanged.items():
        if number in refused:
            quarantined += 1
            out.unsettled.append(Unsettled(number, reference, refused[number]))
        else:
            out.counts["unchanged"] += 1
    for number, decision in decided.items():
        if number in refused:
            quarantined += len(decision.results)
            out.unsettled.append(Unsettled(number, decision.request.subject_reference, refused[number]))
        else:
            out.decisions.append(decision)
    for number, reference in unanswered.items():
        out.unsettled.append(Unsettled(number, reference, refused.get(number, NO_ANSWER)))
    out.unsettled.sort(key=lambda u: u.request_record_number)
    out.counts["quarantined"] = quarantined
    out.counts["unanswered"] = len(out.unsettled)
    return out
