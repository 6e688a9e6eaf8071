"""The rules a result row's values must meet before anything of it is used (docs/jlis-file-format.md).

The register's own rules decide what may become a finding or a correction: a name must pass the
register's ``Name`` and ``NameKana``, an address its ``Address`` (the file's bound and the
register's are one rule, ``values.address_line_problem``), a date must be a day of the calendar,
and the identifiers' check digits are verified as for staff input (the resident code's only when
``RESIDENT_CODE_CHECK=on``). Only rows that are not a plain echo of the request come here, a few
per cent, so a pydantic model per row costs little. Reasons name the rule, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from pydantic import ValidationError

from ahaki.kernel.identifiers import (
    validate_local_government_code,
    validate_my_number,
    validate_resident_code,
)
from ahaki.kernel.values import NOT_IN_FILE, Name, NameKana, address_line_problem
from ahaki.residents.domain.jlis import NAME_SEPARATOR, ResultCode, SexCode, VitalStatus

MAX_NUMBER_DIGITS = 9  # request numbers, counts and sequences: far above a chunk, far below int's limit
MAX_MATCHES = 20  # several matches: more candidates than staff can review, and a finding must stay small
RESULT_CODES = frozenset(c.value for c in ResultCode)
_VITAL = frozenset(v.value for v in VitalStatus)
_SEXES = frozenset(s.value for s in SexCode)
_CHANGE_ITEMS = frozenset({"NAME", "ADDRESS", "SEX", "BIRTH"})
_MATCHED = re.compile(r"[A-Z_+]{0,64}")
_DATE = re.compile(r"[0-9]{8}")


def record_number(text: str) -> int | None:
    """A count, sequence or record number: decimal, no leading zero, at most 9 digits; else None.

    Equal numbers are then equal strings (the echo test compares strings), and ``int`` never
    meets a string long enough to raise."""
    if not 0 < len(text) <= MAX_NUMBER_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return None if text[0] == "0" and text != "0" else int(text)


def calendar_date(text: str) -> bool:
    """YYYYMMDD that is a day of the calendar (20230230 is not)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return day.year >= 1850


@lru_cache(maxsize=4096)  # about 1,900 municipalities: each checked once per process
def municipality_ok(code: str) -> bool:
    try:
        validate_local_government_code(code)
    except ValueError:
        return False
    return True


def _passes(check: Callable[[str], str], value: str) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


def _name_ok(kanji: str, kana: str) -> bool:
    if NOT_IN_FILE.search(kanji) or NOT_IN_FILE.search(kana):
        return False
    family, separator, given = kanji.partition(NAME_SEPARATOR)
    kana_family, kana_separator, kana_given = kana.partition(NAME_SEPARATOR)
    if not separator or not kana_separator:
        return False
    try:
        Name(family=family, given=given)
        NameKana(family=kana_family, given=kana_given)
    except ValidationError:
        return False
    return True


def identity_problem(row: list[str]) -> str | None:
    """Which rule a matched record breaks (items 46-53 and the extensions), or None."""
    if not _MATCHED.fullmatch(row[6]):
        return "malformed matched_items"
    if row[7] not in ("0", "1") or row[8] not in _VITAL:
        return "malformed changed or vital_status"
    if row[9] and not set(row[9].split("+")) <= _CHANGE_ITEMS:
        return "malformed change_status"
    if not _passes(validate_resident_code, row[10]):
        return "malformed resident_code"
    if not _name_ok(row[11], row[12]):
        return "malformed name"
    if not calendar_date(row[13]) or row[14] not in _SEXES:
        return "malformed birth_date or sex"
    if address_line_problem(row[15]) is not None or not municipality_ok(row[16]):
        return "malformed address"
    if row[17] and not _passes(validate_my_number, row[17]):
        return "malformed my_number"
    return None
