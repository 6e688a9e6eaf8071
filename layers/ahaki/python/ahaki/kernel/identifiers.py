"""Identifiers with check digits (DOMAIN.md, "Identifiers and their check digits")."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from ahaki.kernel.components import component
from ahaki.kernel.settings import EnvironmentSettings

_DIGITS = re.compile(r"[0-9]+")


def validate_my_number(value: str) -> str:
    """個人番号: 12 digits, check digit by python-stdnum (stdnum.jp.in_)."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value) or len(value) != 12:
        raise ValueError("must be 12 half-width digits")
    # Imported here: python-stdnum loads pydoc, milliseconds of every cold start that reads no My Number.
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.jp import in_ as my_number_rule

    try:
        return str(my_number_rule.validate(value))
    except StdnumError:
        raise ValueError("check digit does not match") from None


def local_government_check_digit(first_five: str) -> str:
    """全国地方公共団体コード check digit: weights 6..2, (11 - S mod 11) mod 10.

    python-stdnum does not cover this code, so it is ours; DOMAIN.md lists the test values.
    """
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def validate_local_government_code(value: str) -> str:
    if not isinstance(value, str) or not _DIGITS.fullmatch(value) or len(value) != 6:
        raise ValueError("must be 6 half-width digits")
    if not 1 <= int(value[:2]) <= 47:
        raise ValueError("prefecture part must be 01-47")
    if local_government_check_digit(value[:5]) != value[5]:
        raise ValueError("check digit does not match")
    return value


class CheckDigitSettings(EnvironmentSettings):
    """RESIDENT_CODE_CHECK=on tests the 住民票コード check digit; any other value leaves it
    untested (the formula is unverified, DOMAIN.md)."""

    resident_code_check: str = Field("off", alias="RESIDENT_CODE_CHECK")


@component
def check_digit_settings() -> CheckDigitSettings:
    return CheckDigitSettings.from_env()


def resident_code_check_enabled() -> bool:
    """The 住民票コード check-digit formula is unverified (DOMAIN.md), so checking is switchable."""
    return check_digit_settings().resident_code_check == "on"


def validate_resident_code(value: str) -> str:
    """住民票コード: 11 digits. The check digit is only tested when RESIDENT_CODE_CHECK=on."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value) or len(value) != 11:
        raise ValueError("must be 11 half-width digits")
    if resident_code_check_enabled():
        total = sum(int(d) * w for d, w in zip(value[:10], (6, 5, 4, 3, 2, 7, 6, 5, 4, 3), strict=True))
        if str((11 - total % 11) % 10) != value[10]:  # provisional: modulus 11 like its siblings
            raise ValueError("check digit does not match")
    return value


# The patterns tell the OpenAPI document's readers the form; the validators check the digit.
MyNumber = Annotated[str, AfterValidator(validate_my_number), Field(json_schema_extra={"pattern": "^[0-9]{12}$"})]
LocalGovernmentCode = Annotated[
    str,
    AfterValidator(validate_local_government_code),
    Field(json_schema_extra={"pattern": "^(0[1-9]|[1-3][0-9]|4[0-7])[0-9]{4}$"}),
]
ResidentCode = Annotated[str, AfterValidator(validate_resident_code)]
