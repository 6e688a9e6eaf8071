"""The strict, streaming codec of the J-LIS request and result files (docs/jlis-file-format.md).

CSV (RFC 4180, UTF-8, LF) with a header row ``H``, data rows ``D`` and a trailer row ``T`` that
carries the number of data rows. Encoding yields lines; decoding consumes lines one at a time, so
a file of any size needs constant memory. Decoding results never raises on bad input: each row
that breaks a rule comes out as a ``Rejected`` with a reason (no value of the row in it), and a
bad header or a missing trailer is reported on the reader, so nothing is silently dropped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import methodcaller

from ahaki.kernel.values import NOT_IN_FILE
from ahaki.residents.domain.jlis import (
    FORMAT_VERSION,
    REQUEST_KIND,
    RESULT_KIND,
    FileHeader,
    RequestRecord,
    ResultCode,
    ResultRecord,
)
from ahaki.residents.domain.jlis_lines import MAX_LINE_BYTES, OVERLONG
from ahaki.residents.domain.jlis_values import MAX_MATCHES, RESULT_CODES, identity_problem, record_number

REQUEST_FIELDS = 18  # "D" + items 26-42
RESULT_FIELDS = 18  # "D" + items 26, 29, 43-53 and the extensions
_CHUNK_NO = re.compile(r"[0-9]{1,6}")  # the object key's six digits
_STAMP = re.compile(r"[0-9]{14}")
_REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_TEXT = 200
UNREADABLE = ("?",)  # a row the csv module could not read (e.g. a stray quote)


class CodecError(ValueError):
    """Our own request file is unreadable: a bug or tampering, never routine input."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A result row that may not be used. ``reason`` names the rule, never a value."""

    line_no: int
    reason: str
    request_record_number: int | None = None


def csv_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    """Each line split at its commas, without a Python step per line (it is the hot loop).

    That is exactly how the ``csv`` module reads a line of our own files, which never quote
    (``_csv_line``). A row that may read differently (a quote, a CR or a NUL in it) gets the
    ``csv`` module's reading from ``exact`` wherever its values are used one by one; the short
    comparison path only ever compares it with values that cannot hold any of those.
    """
    return map(_split, map(_without_newline, lines))


_without_newline = methodcaller("rstrip", "\n")
_split = methodcaller("split", ",")


def exact(row: list[str]) -> list[str]:
    """A row of ``csv_rows`` as ``csv.reader`` reads its line; ``UNREADABLE`` if it cannot.

    Values never span lines in this format: a quoted newline leaves its pieces malformed, and
    the trailer count then does not reconcile.
    """
    line = ",".join(row)
    if '"' not in line and "\r" not in line and "\0" not in line:
        return row
    try:
        return next(csv.reader((line,)), [])
    except csv.Error:
        return list(UNREADABLE)


def _csv_line(fields: Iterable[str]) -> str:
    # Values never hold a comma, quote or newline (the encoders check), so no quoting is needed
    # and a line is exactly its fields joined: fast to write and easy to read by eye.
    return ",".join(fields) + "\n"


def _clean(value: str, name: str) -> str:
    if len(value) > _MAX_TEXT or NOT_IN_FILE.search(value):
        raise CodecError(f"{name} cannot be written to the file")
    return value


def unwritable(r: RequestRecord) -> str | None:
    """The first text field of a request the file cannot carry, or None (the encoder would raise)."""
    fields = ("subject_reference", "subject_name_kanji", "subject_name_kana", "subject_address")
    return next((f for f in fields if len(getattr(r, f)) > _MAX_TEXT or NOT_IN_FILE.search(getattr(r, f))), None)


def header_line(kind: str, run_id: str, chunk_no: int, created_at: str) -> str:
    return _csv_line(("H", kind, FORMAT_VERSION, _clean(run_id, "run_id"), str(chunk_no), created_at))


def trailer_line(count: int) -> str:
    return _csv_line(("T", str(count)))


def encode_requests(run_id: str, chunk_no: int, created_at: str, records: Iterable[RequestRecord]) -> Iterator[str]:
    yield header_line(REQUEST_KIND, run_id, chunk_no, created_at)
    count = 0
    for r in records:
        count += 1
        if r.request_record_number != count:
            raise CodecError("request_record_number must run 1, 2, 3... in the file")
        yield _csv_line(
            (
                "D",
                str(r.request_record_number),
                r.provision_service_code,
                r.my_number_provision_service_code,
                _clean(r.subject_reference, "subject_reference"),
                r.period_from,
                r.period_to,
                r.reference_date,
                "1" if r.include_removed else "0",
                r.subject_resident_code,
                _clean(r.subject_name_kanji, "subject_name_kanji"),
                _clean(r.subject_name_kana, "subject_name_kana"),
                r.subject_birth_date,
                r.subject_sex,
                _clean(r.subject_address, "subject_address"),
                r.subject_municipality_code,
                r.subject_my_number,
                "",  # 42 reserved
            )
        )
    yield trailer_line(count)


def encode_result(r: ResultRecord) -> str:
    return _csv_line(
        (
            "D",
            str(r.request_record_number),
            _clean(r.subject_reference, "subject_reference"),
            r.result_code,
            str(r.result_record_count),
            str(r.result_record_seq),
            r.matched_items,
            "1" if r.changed else "0",
            r.vital_status,
            r.change_status,
            r.resident_code,
            _clean(r.name_kanji, "name_kanji"),
            _clean(r.name_kana, "name_kana"),
            r.birth_date,
            r.sex,
            _clean(r.address, "address"),
            r.municipality_code,
            r.my_number,
        )
    )


def encode_results(run_id: str, chunk_no: int, created_at: str, records: Iterable[ResultRecord]) -> Iterator[str]:
    yield header_line(RESULT_KIND, run_id, chunk_no, created_at)
    count = 0
    for r in records:
        count += 1
        yield encode_result(r)
    yield trailer_line(count)


def _header(row: list[str], kind: str) -> tuple[FileHeader | None, str | None]:
    if len(row) != 6 or row[0] != "H" or row[1] != kind:
        return None, "malformed header"
    if row[2] != FORMAT_VERSION:
        return None, "unknown format version"
    if not _REFERENCE.fullmatch(row[3]) or not _CHUNK_NO.fullmatch(row[4]) or not _STAMP.fullmatch(row[5]):
        return None, "malformed header"
    return FileHeader(kind=row[1], version=row[2], run_id=row[3], chunk_no=int(row[4]), created_at=row[5]), None


def request_rows(lines: Iterable[str]) -> tuple[FileHeader, Iterator[list[str]]]:
    """Our own request file, read back as checked rows: any flaw is a CodecError.

    Rows, not records: the comparison builds a ``RequestRecord`` only for the few rows whose
    answer is not a plain echo of what we sent (see ``ahaki.residents.domain.sync``).
    """
    rows = csv_rows(lines)
    header, problem = _header(exact(next(rows, [])), REQUEST_KIND)
    if header is None:
        raise CodecError(f"request file: {problem}")

    def checked() -> Iterator[list[str]]:
        count = 0
        for row in rows:
            if row and row[0] == "T":
                if len(row) != 2 or row[1] != str(count) or next(rows, None) is not None:
                    raise CodecError("request file: trailer does not reconcile")
                return
            count += 1  # noqa: SIM113 - rows after the trailer must not count
            if len(row) != REQUEST_FIELDS or row[0] != "D" or row[1] != str(count):
                raise CodecError("request file: malformed record")
            yield row
        raise CodecError("request file: truncated (no trailer)")

    return header, checked()


def request_record(row: list[str]) -> RequestRecord:
    """A row of ``request_rows`` as a record."""
    return RequestRecord(
        request_record_number=int(row[1]),
        provision_service_code=row[2],
        my_number_provision_service_code=row[3],
        subject_reference=row[4],
        period_from=row[5],
        period_to=row[6],
        reference_date=row[7],
        include_removed=row[8] == "1",
        subject_resident_code=row[9],
        subject_name_kanji=row[10],
        subject_name_kana=row[11],
        subject_birth_date=row[12],
        subject_sex=row[13],
        subject_address=row[14],
        subject_municipality_code=row[15],
        subject_my_number=row[16],
    )


def decode_requests(lines: Iterable[str]) -> tuple[FileHeader, Iterator[RequestRecord]]:
    """Our own request file, read back as records: any flaw is a CodecError."""
    header, rows = request_rows(lines)
    return header, map(request_record, rows)


def echoes(request: list[str], result: list[str]) -> bool:
    """Whether a result row is exactly "found, alive, nothing changed" for this request row.

    Nearly every row of a month is such an echo of the register's own values (asked by the
    resident code we learned), so it needs no record, no regex and no comparison item by item:
    the values were validated when they entered the register. Anything else takes the full path.
    """
    return (
        len(result) == RESULT_FIELDS
        and result[1] == request[1]
        and result[3] == "00"
        and result[4] == "1"
        and result[5] == "1"
        and result[7] == "0"
        and result[8] == "1"
        and result[9] == ""
        and result[17] == ""
        and request[9] != ""
        and result[10] == request[9]
        and result[2] == request[4]
        and result[0] == "D"
        and result[11:17] == request[10:16]
    )


class ResultReader:
    """Reads a result file one row at a time, never raising on bad input.

    ``rows()`` yields each data row that is structurally a data row (``line_no`` is its line), or
    a ``Rejected``; ``record(row)`` validates one into a ``ResultRecord`` (or a ``Rejected``) and
    keeps the rows in order; iterating the reader does both. After iteration: ``header`` (None
    if unusable), ``problem`` (the file-level reason, if any), ``data_rows`` (every D-like row
    seen, good or bad) and ``trailer_count``.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self.header: FileHeader | None = None
        self.problem: str | None = None
        self.data_rows = 0
        self.trailer_count: int | None = None
        self.line_no = 0
        self.last = (0, 0)  # (request_record_number, result_record_seq) of the last record taken

    def __iter__(self) -> Iterator[ResultRecord | Rejected]:
        for row in self.rows():
            yield row if isinstance(row, Rejected) else self.record(row)

    def rows(self) -> Iterator[list[str] | Rejected]:
        rows = csv_rows(self._lines)
        first = next(rows, None)
        if first is None:
            self.problem = "empty file"
            return
        self.header, self.problem = _header(exact(first), RESULT_KIND)
        line_no = 1
        data_rows = 0
        after_trailer = False
        try:
            for row in rows:
                line_no += 1
                self.line_no = line_no
                if self.trailer_count is not None:
                    data_rows += 1
                    after_trailer = True
                    yield Rejected(line_no, "record after trailer")
                    continue
                if row[0] != "D" and row[0] != OVERLONG:
                    row = exact(row)  # rare: only the trailer and malformed rows
                if row and row[0] == "T":
                    count = record_number(row[1]) if len(row) == 2 else None
                    self.trailer_count = -1 if count is None else count
                    continue
                data_rows += 1
                if self.header is None:
                    yield Rejected(line_no, self.problem or "malformed header")
                elif len(row) != RESULT_FIELDS or row[0] != "D":
                    # Short, blank, overlong or cut rows end here: nothing later indexes past them.
                    yield Rejected(line_no, _shape_problem(row), _number_of(row))
                else:
                    yield row
        finally:
            self.data_rows = data_rows
        if self.problem is None:
            if self.trailer_count is None:
                self.problem = "truncated: no trailer"
            elif self.trailer_count != data_rows:
                self.problem = "trailer count does not reconcile"
            elif after_trailer:
                self.problem = "records after the trailer"

    def took_echo(self, number: int) -> None:
        """The short path took request ``number``'s one row: later rows are ordered after it."""
        self.last = (number, 1)

    def record(self, row: list[str], line_no: int | None = None) -> ResultRecord | Rejected:
        """The row as a record, or why it may not be used (bad items, duplicate, out of order)."""
        line = self.line_no if line_no is None else line_no
        found = _result(exact(row), line)
        if isinstance(found, Rejected):
            return found
        key = (found.request_record_number, found.result_record_seq)
        if key <= self.last:
            return Rejected(line, "duplicate record" if key == self.last else "record out of order", key[0])
        self.last = key
        return found


def _number_of(row: list[str]) -> int | None:
    """The request number a malformed row names, if it names one readably (an overlong line's
    first bytes follow its marker)."""
    fields = row[1:] if row and row[0] == OVERLONG else row
    return record_number(fields[1]) if len(fields) > 1 and fields[0] == "D" else None


def _shape_problem(row: list[str]) -> str:
    if row and row[0] == OVERLONG:
        return f"line longer than {MAX_LINE_BYTES} bytes"
    return "wrong number of fields"


def _result(row: list[str], line_no: int) -> ResultRecord | Rejected:
    if len(row) != RESULT_FIELDS or row[0] != "D":  # the csv module read it differently (quotes)
        return Rejected(line_no, "wrong number of fields", record_number(row[1]) if len(row) > 1 else None)
    rn, count, seq = record_number(row[1]), record_number(row[4]), record_number(row[5])
    if rn is None or count is None or seq is None:
        return Rejected(line_no, "malformed record numbers", rn)
    code = row[3]
    if code not in RESULT_CODES or not 1 <= seq <= count <= MAX_MATCHES or rn < 1:
        return Rejected(line_no, "malformed result code or sequence", rn)
    if not _REFERENCE.fullmatch(row[2]):
        return Rejected(line_no, "malformed subject_reference", rn)
    if code == ResultCode.FOUND or code == ResultCode.SEVERAL_MATCHES:
        reason = identity_problem(row)
        if reason is not None:
            return Rejected(line_no, reason, rn)
    elif row[6] or row[7] != "0" or any(row[i] for i in range(8, 18)):
        return Rejected(line_no, "identity items in a record without a match", rn)
    return ResultRecord(
        request_record_number=rn,
        subject_reference=row[2],
        result_code=code,
        result_record_count=count,
        result_record_seq=seq,
        matched_items=row[6],
        changed=row[7] == "1",
        vital_status=row[8],
        change_status=row[9],
        resident_code=row[10],
        name_kanji=row[11],
        name_kana=row[12],
        birth_date=row[13],
        sex=row[14],
        address=row[15],
        municipality_code=row[16],
        my_number=row[17],
    )
