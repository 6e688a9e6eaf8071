"""Value objects of the record: names, kana, dates, origin (本籍 or nationality), address."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from ahaki.kernel import text
from ahaki.kernel.identifiers import LocalGovernmentCode
from ahaki.kernel.model import Frozen

JST = timezone(timedelta(hours=9), "JST")  # Japan keeps no daylight saving time


# Far above any register's size; a bound keeps a hostile number within DynamoDB's 38 digits.
MAX_REGISTRATION_NUMBER = 999_999_999


def today_jst() -> date:
    return datetime.now(JST).date()


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


# ASCII digits only: a Unicode \d (and str.isdigit) takes "１３" or "²", which int() reads or refuses.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# An address line is written into the J-LIS request file as it is: it must fit that format
# (docs/jlis-file-format.md): no comma or double quote (the file is never quoted), no control
# character or line separator, no lone surrogate (not encodable as UTF-8), at most 200 characters.
ADDRESS_LINE_MAX = 200
NOT_IN_FILE = re.compile(r'[,"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)")
    return value


def _not_future(value: date) -> date:
    if value > today_jst():
        raise ValueError("must not be in the future")
    return value


def address_line_problem(value: str) -> str | None:
    """Why an address line may not be held (the register's rule and the file's, one rule), or None."""
    if not value.strip():
        return "must not be blank"
    if len(value) > ADDRESS_LINE_MAX:
        return f"must be at most {ADDRESS_LINE_MAX} characters"
    if NOT_IN_FILE.search(value):
        return "must not contain a comma, a double quote or control characters"
    try:
        text.single_line(value)  # and no format or bidi character, as any line of text
    except ValueError as invalid:
        return str(invalid)
    return None


def _address_line(value: str) -> str:
    problem = address_line_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _year_month(value: Any) -> str:
    found = _YEAR_MONTH.fullmatch(value) if isinstance(value, str) else None
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError("must be a year and month (YYYY-MM)")
    if value > today_jst().strftime("%Y-%m"):
        raise ValueError("must not be in the future")
    return str(value)


def _prefecture(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}", value) or not 1 <= int(value) <= 47:
        raise ValueError("must be a JIS X 0401 prefecture code 01-47")
    return value


def _nationality(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("must be an ISO 3166-1 alpha-2 code")
    import pycountry  # here: its import and database cost every cold start, and few records need it

    if pycountry.countries.get(alpha_2=value) is None:
        raise ValueError("is not an ISO 3166-1 alpha-2 country code")
    if value == "JP":
        raise ValueError("Japanese nationals are registered by honseki_prefecture")
    return value


def _pattern(pattern: str) -> Any:
    """The rule as a JSON Schema pattern in the OpenAPI document (the validator stays the rule)."""
    return Field(json_schema_extra={"pattern": pattern})


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
PastDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_not_future)]
YearMonth = Annotated[str, BeforeValidator(_year_month), _pattern(r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
# The character classes of text.py, one per kind of text (ADR 0151).
Kana = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(text.kana), _pattern(text.KANA_PATTERN)]
PersonName = Annotated[
    str, Field(min_length=1, max_length=50), AfterValidator(text.person_name), _pattern(text.PERSON_NAME_PATTERN)
]
Text = Annotated[
    str, Field(min_length=1, max_length=50), AfterValidator(text.single_line), _pattern(text.SINGLE_LINE_PATTERN)
]
LongText = Annotated[
    str, Field(min_length=1, max_length=400), AfterValidator(text.single_line), _pattern(text.SINGLE_LINE_PATTERN)
]
# The portal's pseudonym as the portal integration's header carries it (8-128 of A-Z a-z 0-9 _ -).
PortalPseudonym = Annotated[
    str, Field(min_length=8, max_length=128), AfterValidator(text.identifier), _pattern(text.IDENTIFIER_PATTERN)
]
PrefectureCode = Annotated[str, BeforeValidator(_prefecture), _pattern(r"^(0[1-9]|[1-3][0-9]|4[0-7])$")]
Nationality = Annotated[str, BeforeValidator(_nationality), _pattern(r"^[A-Z]{2}$")]
# One line of visible text that the J-LIS request file can also carry (one rule for both).
AddressLine = Annotated[
    str,
    Field(min_length=1, max_length=ADDRESS_LINE_MAX),
    AfterValidator(_address_line),
    _pattern(text.SINGLE_LINE_PATTERN),
]


class Name(Frozen):
    """氏名: family and given name as registered, with 旧姓 and 通称名 where the holder has them."""

    family: PersonName
    given: PersonName
    former_family: PersonName | None = None
    alias: PersonName | None = None


class NameKana(Frozen):
    """フリガナ of the same four parts, in full-width katakana."""

    family: Kana
    given: Kana
    former_family: Kana | None = None
    alias: Kana | None = None


class Address(Frozen):
    """住所: the municipality (全国地方公共団体コード, check digit verified) and the rest as text."""

    municipality_code: LocalGovernmentCode
    line: AddressLine
