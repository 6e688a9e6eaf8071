"""Comparing J-LIS results with what we asked: a streaming merge of request and result files.

Both files are in ascending request_record_number (the format requires it), so one pass over
each, holding only the records of one request at a time, decides every result row. The request
rows carry the register's values at request time, so no register read is needed to find the
unchanged ones (nearly all of them, every month).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from ahaki.domain.jlis import RequestRecord, ResultCode, ResultRecord, VitalStatus
from ahaki.domain.jlis_codec import Rejected, ResultReader


class Verdict(StrEnum):
    UNCHANGED = "unchanged"
    ADDRESS_CHANGED = "address_changed"  # applied by the system as a correction
    NAME_CHANGED = "name_changed"  # a finding: the correction is the holder's duty (30 days)
    DETAILS_CHANGED = "details_changed"  # sex or birth date differ: a finding
    DECEASED = "deceased"  # an erasure candidate, never erased automatically
    REMOVED = "removed"  # an erasure candidate
    NOT_FOUND = "not_found"
    SEVERAL_MATCHES = "several_matches"
    JLIS_ERROR = "jlis_error"


FINDING_VERDICTS = frozenset(Verdict) - {Verdict.UNCHANGED, Verdict.ADDRESS_CHANGED}
ERASURE_CANDIDATES = frozenset({Verdict.DECEASED, Verdict.REMOVED})


@dataclass(frozen=True, slots=True)
class Decision:
    request: RequestRecord
    results: tuple[ResultRecord, ...]
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A request no result row answered (the result file was truncated or short)."""

    request: RequestRecord


def compare(request: RequestRecord, results: tuple[ResultRecord, ...]) -> Verdict:
    first = results[0]
    if first.result_code == ResultCode.NOT_FOUND:
        return Verdict.NOT_FOUND
    if first.result_code == ResultCode.ERROR:
        return Verdict.JLIS_ERROR
    if len(results) > 1 or first.result_code == ResultCode.SEVERAL_MATCHES:
        return Verdict.SEVERAL_MATCHES
    if first.vital_status == VitalStatus.DECEASED:
        return Verdict.DECEASED
    if first.vital_status == VitalStatus.REMOVED:
        return Verdict.REMOVED
    if first.name_kanji != request.subject_name_kanji or first.name_kana != request.subject_name_kana:
        return Verdict.NAME_CHANGED
    if first.birth_date != request.subject_birth_date or first.sex != request.subject_sex:
        return Verdict.DETAILS_CHANGED
    if first.address != request.subject_address or first.municipality_code != request.subject_municipality_code:
        return Verdict.ADDRESS_CHANGED
    return Verdict.UNCHANGED


def _group_problem(request: RequestRecord, group: list[ResultRecord]) -> str | None:
    first = group[0]
    if len(group) == 1 and first.result_record_count == 1:  # the common case, checked cheaply
        if first.subject_reference != request.subject_reference:
            return "subject_reference does not match the request"
        return "result codes inconsistent with the record count" if first.result_code == "20" else None
    count = first.result_record_count
    if len(group) != count or any(r.result_record_count != count for r in group):
        return "result group incomplete"
    if any(r.subject_reference != request.subject_reference for r in group):
        return "subject_reference does not match the request"
    codes = {r.result_code for r in group}
    if len(codes) != 1 or (count > 1) != (ResultCode.SEVERAL_MATCHES in codes):
        return "result codes inconsistent with the record count"
    return None


def reconcile(requests: Iterator[RequestRecord], reader: ResultReader) -> Iterator[Decision | Rejected | Unanswered]:
    """Every result row once, as part of a Decision or as Rejected; then every unanswered request.

    Result rows for a request number that is not in the request file, or whose group does not add
    up, are rejected with the reason; nothing is skipped without a trace.
    """
    pending = next(requests, None)
    group: list[ResultRecord] = []
    lines: list[int] = []
    line_no = 1  # the header; the n-th data row is line n + 1 (before any trailer)

    def flush() -> Iterator[Decision | Rejected | Unanswered]:
        nonlocal pending
        number = group[0].request_record_number
        while pending is not None and pending.request_record_number < number:
            yield Unanswered(pending)
            pending = next(requests, None)
        if pending is None or pending.request_record_number != number:
            yield from (Rejected(n, "result for a record not in the request", number) for n in lines)
            return
        request, pending = pending, next(requests, None)
        problem = _group_problem(request, group)
        if problem is not None:
            yield from (Rejected(n, problem, number) for n in lines)
            yield Unanswered(request)
            return
        results = tuple(group)
        yield Decision(request, results, compare(request, results))

    for item in reader:
        line_no += 1
        if isinstance(item, Rejected):
            yield item
            continue
        if group and item.request_record_number != group[0].request_record_number:
            if (
                len(group) == 1
                and pending is not None
                and pending.request_record_number == group[0].request_record_number
            ):
                # Fast path (nearly every row): one record answering the next request.
                only, request = group[0], pending
                problem = _group_problem(request, group)
                if problem is None:
                    pending = next(requests, None)
                    yield Decision(request, (only,), compare(request, (only,)))
                else:
                    yield from flush()
            else:
                yield from flush()
            group, lines = [], []
        group.append(item)
        lines.append(line_no)
    if group:
        yield from flush()
    while pending is not None:
        yield Unanswered(pending)
        pending = next(requests, None)
