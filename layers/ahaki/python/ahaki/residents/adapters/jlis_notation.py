"""The fake J-LIS's notation: it answers in the resident register's writing, not the register's.

A seeded, rule-based rewriter over the values we sent: variant characters in names (高 -> 髙),
addresses in 丁目/番地 form (4-2-101 -> 4丁目2番地101), with the 丁目 in kanji numerals
(四丁目), and the line written whole with its prefecture and municipality (東京都千代田区…), each at
a configurable rate. The choice is stable per resident (seeded by the resident
code), as the real register's writing is: once adopted, the next month's answer agrees.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ahaki.residents.domain.notation.addresses import MUNICIPALITY_NAMES, without_municipality
from ahaki.residents.domain.notation.names import VARIANTS

_VARIANT_OF = {representative: chr(code) for code, representative in sorted(VARIANTS.items(), reverse=True)}
_BLOCK = re.compile(r"([0-9]+)-([0-9]+)(?:-([0-9]+))?$")
_KANJI_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class NotationRates:
    """Shares of residents whose answer is written differently (0 = the register's own writing)."""

    variants: float = 0.0  # a name with a variant character, where the table knows one
    block_forms: float = 0.0  # an address in 丁目/番地 form
    kanji_numerals: float = 0.0  # of those, the 丁目 in kanji numerals
    seed: int = 0
    # a line written whole, prefecture and municipality first (東京都千代田区一番町…), where the
    # municipality table knows the code and the line does not begin with it already
    municipality: float = 0.0

    @classmethod
    def parse(cls, text: str) -> NotationRates:
        """``"0.3"`` (every rate) or ``"variants=0.3,block_forms=0.3,kanji_numerals=0.5,municipality=0.3,seed=7"``."""
        if not text.strip():
            return cls()
        if "=" not in text:
            rate = float(text)
            return cls(rate, rate, rate, municipality=rate)
        fields = dict(part.split("=", 1) for part in text.split(","))
        return cls(
            variants=float(fields.get("variants", 0)),
            block_forms=float(fields.get("block_forms", 0)),
            kanji_numerals=float(fields.get("kanji_numerals", 0)),
            seed=int(fields.get("seed", 0)),
            municipality=float(fields.get("municipality", 0)),
        )

    @property
    def active(self) -> bool:
        return bool(self.variants or self.block_forms or self.municipality)


def variant_form(name: str) -> str:
    """Every character the table knows a variant of, written as that variant (高橋 -> 髙橋)."""
    return "".join(_VARIANT_OF.get(ch, ch) for ch in name)


def kanji_numerals(number: str) -> str:
    return "".join(_KANJI_DIGITS[int(d)] for d in number)


def block_form(address: str, kanji: bool) -> str:
    """千代田区一番町4-2-101 -> 千代田区一番町4丁目2番地101 (or 四丁目 with ``kanji``)."""
    found = _BLOCK.search(address)
    if found is None:
        return address
    chome, ban, rest = found.groups()
    written = f"{kanji_numerals(chome) if kanji else chome}丁目{ban}番地{rest or ''}"
    return address[: found.start()] + written


def whole_line(address: str, municipality_code: str) -> str:
    """一番町4-2-101 (131016) -> 東京都千代田区一番町4-2-101; as it is for a code the table lacks."""
    full = MUNICIPALITY_NAMES.get(municipality_code)
    return address if full is None else full + without_municipality(address, municipality_code)


def in_resident_notation(
    resident_code: str, name: str, address: str, rates: NotationRates, municipality_code: str = ""
) -> tuple[str, str]:
    """Name and address as the resident register writes them, at ``rates``; stable per resident."""
    if not rates.active:
        return name, address
    rng = random.Random(f"{rates.seed}/{resident_code}")  # noqa: S311 - a fake's choice, not secrecy
    if rng.random() < rates.variants:
        name = variant_form(name)
    if rng.random() < rates.block_forms:
        address = block_form(address, kanji=rng.random() < rates.kanji_numerals)
    if rng.random() < rates.municipality:  # drawn last: the other choices stay as they were
        address = whole_line(address, municipality_code)
    return name, address
