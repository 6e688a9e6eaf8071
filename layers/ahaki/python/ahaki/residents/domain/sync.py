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
from typing import NamedTuple

from ahaki.residents.domain.jlis import RequestRecord, ResultCode, ResultRecord, VitalStatus
from ahaki.residents.domain.jlis_codec import Rejected, ResultReader, echoes, request_record
from ahaki.residents.domain.notation.addresses import (
    ADDRESS_RULES,
    MUNICIPALITY,
    same_place,
    without_municipality,
)
from ahaki.residents.domain.notation.kana import KANA_RULES
from ahaki.residents.domain.notation.names import NAME_RULES
from ahaki.residents.domain.notation.rules import Rules, Same, equivalence, same, why
from ahaki.residents.domain.verdicts import Verdict


@dataclass(frozen=True, slots=True)
class Decision:
    request: RequestRecord
    results: tuple[ResultRecord, ...]
    verdict: Verdict


class Unchanged(NamedTuple):
    """A request answered by one record that repeats it: found, alive, nothing changed.

    A named tuple, not a dataclass: one is made for nearly every row, and it is the cheapest."""

    request_record_number: int
    subject_reference: str

    @property
    def verdict(self) -> Verdict:  # as read on a Decision
        return Verdict.UNCHANGED


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A request no result row answered (the result file was truncated or short)."""

    request: RequestRecord


class Item(StrEnum):
    """How one item of the answer stands to what we sent."""

    SAME = "same"
    NOTATION = "notation"  # equal under the notation rules only
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Comparison:
    verdict: Verdict
    name: Item = Item.SAME
    kana: Item = Item.SAME
    address: Item = Item.SAME
    folded: tuple[str, ...] = ()  # the notation rules that made differing values equal


def _item(ours: str, theirs: str, rules: Rules, off: frozenset[str], folded: list[str] | None) -> Item:
    if ours == theirs:
        return Item.SAME
    if not same(ours, theirs, rules, off):
        return Item.CHANGED
    if folded is not None:
        folded += why(ours, theirs, rules, off)
    return Item.NOTATION


def _place(ours: str, theirs: str, code: str, off: frozenset[str], folded: list[str] | None) -> Item:
    if ours == theirs:
        return Item.SAME
    if not same_place(ours, theirs, code, off):
        return Item.CHANGED
    if folded is not None:
        if MUNICIPALITY not in off:
            stripped = without_municipality(ours, code), without_municipality(theirs, code)
            if ours[: len(ours) - len(stripped[0])] != theirs[: len(theirs) - len(stripped[1])]:
                folded.append(MUNICIPALITY)  # the name was written on one side only (or differently)
            ours, theirs = stripped
        folded += why(ours, theirs, ADDRESS_RULES, off)
    return Item.NOTATION


def classify(
    request: RequestRecord,
    results: tuple[ResultRecord, ...],
    off: frozenset[str] = frozenset(),
    explain: bool = False,
) -> Comparison:
    """The verdict on one request and how each item differs. Names, readings and addresses are
    compared by the notation equivalences (``ahaki.residents.domain.notation``) with the rules in ``off``
    turned off; the municipality by its code (its name in the line stripped, ``same_place``); sex
    and birth date exactly. ``explain`` also names the rules that folded each difference
    (``Comparison.folded``), which costs a few folds more."""
    first = results[0]
    if first.result_code == ResultCode.NOT_FOUND:
        return Comparison(Verdict.NOT_FOUND)
    if first.result_code == ResultCode.ERROR:
        return Comparison(Verdict.JLIS_ERROR)
    if len(results) > 1 or first.result_code == ResultCode.SEVERAL_MATCHES:
        return Comparison(Verdict.SEVERAL_MATCHES)
    if first.vital_status == VitalStatus.DECEASED:
        return Comparison(Verdict.DECEASED)
    if first.vital_status == VitalStatus.REMOVED:
        return Comparison(Verdict.REMOVED)
    folded: list[str] | None = [] if explain else None
    name = _item(request.subject_name_kanji, first.name_kanji, NAME_RULES, off, folded)
    kana = _item(request.subject_name_kana, first.name_kana, KANA_RULES, off, folded)
    if first.municipality_code != request.subject_municipality_code:
        address = Item.CHANGED
    else:
        address = _place(request.subject_address, first.address, first.municipality_code, off, folded)
    if name is Item.CHANGED:
        verdict = Verdict.NAME_CHANGED
    elif first.birth_date != request.subject_birth_date or first.sex != request.subject_sex:
        verdict = Verdict.DETAILS_CHANGED
    elif address is Item.CHANGED:
        verdict = Verdict.ADDRESS_CHANGED
    elif kana is Item.CHANGED:
        verdict = Verdict.KANA_DIFFERS
    elif Item.NOTATION in (name, kana, address):
        verdict = Verdict.NOTATION
    else:
        verdict = Verdict.UNCHANGED
    return Comparison(verdict, name, kana, address, tuple(folded or ()))


_SAMES: dict[frozenset[str], tuple[Same, Same]] = {}


def _sames(off: frozenset[str]) -> tuple[Same, Same]:
    """The name and reading equivalences with the rules in ``off`` turned off."""
    found = _SAMES.get(off)
    if found is None:
        found = _SAMES[off] = (equivalence(NAME_RULES, off)[0], equivalence(KANA_RULES, off)[0])
    return found


def compare(request: RequestRecord, results: tuple[ResultRecord, ...], off: frozenset[str] = frozenset()) -> Verdict:
    """``classify(...).verdict``, lean: reconcile calls it for every row that is not an echo, so
    it builds nothing and stops at the first item that decides (tests hold the two equal)."""
    first = results[0]
    if first.result_code != ResultCode.FOUND or len(results) > 1 or first.vital_status != VitalStatus.ALIVE:
        return classify(request, results, off).verdict
    same_name, same_kana = _sames(off)
    name_same = first.name_kanji == request.subject_name_kanji
    if not name_same and not same_name(request.subject_name_kanji, first.name_kanji):
        return Verdict.NAME_CHANGED
    if first.birth_date != request.subject_birth_date or first.sex != request.subject_sex:
        return Verdict.DETAILS_CHANGED
    if first.municipality_code != request.subject_municipality_code:
        return Verdict.ADDRESS_CHANGED
    address_same = first.address == request.subject_address
    if not address_same and not same_place(request.subject_address, first.address, first.municipality_code, off):
        return Verdict.ADDRESS_CHANGED
    kana_same = first.name_kana == request.subject_name_kana
    if not kana_same and not same_kana(request.subject_name_kana, first.name_kana):
        return Verdict.KANA_DIFFERS
    return Verdict.UNCHANGED if name_same and address_same and kana_same else Verdict.NOTATION


def _group_problem(request: RequestRecord, group: list[ResultRecord]) -> str | None:
    first = group[0]
    if len(group) == 1 and first.result_record_count == 1:  # the common case, checked cheaply
        if first.subject_reference != request.subject_reference:
            return "subject_reference does not match the request"
        if first.result_code == "20":
            return "result codes inconsistent with the record count"
        return _identity_mismatch(request, first)
    count = first.result_record_count
    if len(group) != count or any(r.result_record_count != count for r in group):
        return "result group incomplete"
    if any(r.subject_reference != request.subject_reference for r in group):
        return "subject_reference does not match the request"
    codes = {r.result_code for r in group}
    if len(codes) != 1 or (count > 1) != (ResultCode.SEVERAL_MATCHES in codes):
        return "result codes inconsistent with the record count"
    return next(filter(None, (_identity_mismatch(request, r) for r in group)), None)


def _identity_mismatch(request: RequestRecord, result: ResultRecord) -> str | None:
    """The person answered must be the one asked: the same resident code when we asked by it, and
    a My Number only in answers to a look-up by the four basic items."""
    if result.result_code != ResultCode.FOUND:
        return None
    if request.subject_resident_code and result.resident_code != request.subject_resident_code:
        return "resident_code does not match the request"
    asked_by_key = request.subject_my_number or request.subject_resident_code
    if result.my_number and asked_by_key and result.my_number != request.subject_my_number:
        return "my_number does not match the request"
    return None


def reconcile(
    requests: Iterator[list[str]], reader: ResultReader
) -> Iterator[Decision | Unchanged | Rejected | Unanswered]:
    """Every result row once, as ``Unchanged``, part of a ``Decision`` or ``Rejected``; then every
    unanswered request. ``requests`` are the rows of ``jlis_codec.request_rows``.

    Result rows for a request number that is not in the request file, or whose group does not add
    up, are rejected with the reason; nothing is skipped without a trace. A row that echoes its
    request (``jlis_codec.echoes``) is held until the next row shows that it answers alone, and
    then decided without building any record: that is nearly every row, every month.
    """
    pending = next(requests, None)
    held: list[str] | None = None  # an echo of ``pending``, decided when the next row comes
    held_line = 0
    group: list[ResultRecord] = []
    lines: list[int] = []

    def flush() -> Iterator[Decision | Rejected | Unanswered]:
        nonlocal pending
        number = group[0].request_record_number
        while pending is not None and int(pending[1]) < number:
            yield Unanswered(request_record(pending))
            pending = next(requests, None)
        if pending is None or int(pending[1]) != number:
            yield from (Rejected(n, "result for a record not in the request", number) for n in lines)
            return
        request, pending = request_record(pending), next(requests, None)
        problem = _group_problem(request, group)
        if problem is not None:
            yield from (Rejected(n, problem, number) for n in lines)
            yield Unanswered(request)
            return
        results = tuple(group)
        yield Decision(request, results, compare(request, results))

    def take(row: list[str], line: int) -> Iterator[Decision | Rejected | Unanswered]:
        found = reader.record(row, line)
        if isinstance(found, Rejected):
            yield found
            return
        if group and found.request_record_number != group[0].request_record_number:
            yield from end_group()
        group.append(found)
        lines.append(line)

    def end_group() -> Iterator[Decision | Rejected | Unanswered]:
        yield from flush()
        group.clear()
        lines.clear()

    for row in reader.rows():
        if isinstance(row, Rejected):
            yield row
            continue
        if held is not None:
            if row[1] == held[1]:  # more rows answer this request: not an echo after all
                yield from take(held, held_line)
            else:
                number = int(held[1])
                yield Unchanged(number, held[2])
                reader.took_echo(number)
                pending = next(requests, None)
            held = None
        elif group and row[1] != str(group[0].request_record_number):
            # A row for another request ends the group, even if the row itself is then refused.
            yield from end_group()
        if not group and pending is not None and echoes(pending, row):
            held, held_line = row, reader.line_no
            continue
        yield from take(row, reader.line_no)
    if held is not None:
        yield Unchanged(int(held[1]), held[2])
        pending = next(requests, None)
    if group:
        yield from flush()
    while pending is not None:
        yield Unanswered(request_record(pending))
        pending = next(requests, None)
