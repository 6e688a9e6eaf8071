"""Check digits, with the known-valid and known-invalid numbers of DOMAIN.md."""

from __future__ import annotations

import pytest

from ahaki.kernel.identifiers import (
    local_government_check_digit,
    validate_local_government_code,
    validate_my_number,
    validate_resident_code,
)
from tests.environment import Environment


@pytest.mark.parametrize("number", ["123456789018", "621498320257", "548836529885", "000111111111"])
def test_valid_my_numbers(number: str) -> None:
    assert validate_my_number(number) == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("123456789019", "check digit"),
        ("12345678901", "12 half-width digits"),
        ("1234567890180", "12 half-width digits"),
        ("１２３４５６７８９０１８", "12 half-width digits"),
        ("12345678901a", "12 half-width digits"),
        ("", "12 half-width digits"),
    ],
)
def test_invalid_my_numbers(number: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_my_number(number)


@pytest.mark.parametrize("code", ["131016", "011011", "271004"])
def test_valid_local_government_codes(code: str) -> None:
    assert validate_local_government_code(code) == code


def test_every_wrong_check_digit_is_refused() -> None:
    for code in ("131016", "011011", "271004"):
        for digit in "0123456789":
            if digit != code[5]:
                with pytest.raises(ValueError, match="check digit"):
                    validate_local_government_code(code[:5] + digit)


def test_check_digit_remainder_zero_gives_one() -> None:
    # S mod 11 == 0: (11 - 0) mod 10 == 1
    assert local_government_check_digit("00000") == "1"


@pytest.mark.parametrize(
    ("code", "message"), [("13101", "6 half-width digits"), ("481016", "01-47"), ("001016", "01-47")]
)
def test_malformed_local_government_codes(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_local_government_code(code)


def test_resident_code_check_is_switchable(environment: Environment) -> None:
    assert validate_resident_code("12345678901") == "12345678901"  # off by default: formula unverified
    with pytest.raises(ValueError, match="11 half-width digits"):
        validate_resident_code("1234567890")
    environment.set("RESIDENT_CODE_CHECK", "on")
    results = []
    for last in "0123456789":
        try:
            validate_resident_code("1234567890" + last)
            results.append(last)
        except ValueError:
            pass
    assert len(results) == 1
