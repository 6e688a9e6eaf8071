"""The fake J-LIS writes the requested values the resident register's way, at seeded rates."""

from __future__ import annotations

from ahaki.residents.adapters.jlis_notation import (
    NotationRates,
    block_form,
    in_resident_notation,
    variant_form,
    whole_line,
)
from ahaki.residents.domain.notation.addresses import ADDRESS_RULES, same_place
from ahaki.residents.domain.notation.names import NAME_RULES
from ahaki.residents.domain.notation.rules import same


def test_rewrites_are_the_resident_registers_forms_and_fold_back() -> None:
    assert variant_form("高橋\u3000真") == "髙橋\u3000眞"
    assert block_form("千代田区一番町4-2-101", kanji=False) == "千代田区一番町4丁目2番地101"
    assert block_form("千代田区一番町4-2-101", kanji=True) == "千代田区一番町四丁目2番地101"
    assert block_form("千代田区一番町4-2", kanji=True) == "千代田区一番町四丁目2番地"
    assert block_form("霞が関1234番地", kanji=True) == "霞が関1234番地"  # no 丁目 form to write
    assert same("高橋\u3000真", variant_form("高橋\u3000真"), NAME_RULES)
    assert same("千代田区一番町4-2-101", block_form("千代田区一番町4-2-101", kanji=True), ADDRESS_RULES)


def test_rates_are_seeded_stable_per_resident_and_near_their_share() -> None:
    rates = NotationRates.parse("variants=0.3,block_forms=0.3,kanji_numerals=0.5,seed=7")
    assert (rates.variants, rates.block_forms, rates.kanji_numerals, rates.seed) == (0.3, 0.3, 0.5, 7)
    assert NotationRates.parse("") == NotationRates() and not NotationRates().active
    assert NotationRates.parse("1").variants == 1.0
    codes = [f"{n:011d}" for n in range(2000)]
    written = [in_resident_notation(c, "高橋\u3000一郎", "千代田区一番町4-2-101", rates) for c in codes]
    assert written == [in_resident_notation(c, "高橋\u3000一郎", "千代田区一番町4-2-101", rates) for c in codes]
    names = sum(name != "高橋\u3000一郎" for name, _ in written) / len(codes)
    addresses = sum(address != "千代田区一番町4-2-101" for _, address in written) / len(codes)
    assert 0.25 < names < 0.35 and 0.25 < addresses < 0.35
    off = NotationRates()
    assert in_resident_notation("1", "高橋", "一番町4-2", off) == ("高橋", "一番町4-2")


def test_the_line_written_whole_names_the_municipality_of_its_code_and_is_the_same_place() -> None:
    assert whole_line("一番町4-2-101", "131016") == "東京都千代田区一番町4-2-101"
    assert whole_line("千代田区一番町4-2-101", "131016") == "東京都千代田区一番町4-2-101"  # not twice
    assert whole_line("銀座1-1", "131024") == "銀座1-1"  # a code the table does not know
    rates = NotationRates.parse("municipality=1")
    _, line = in_resident_notation("1", "高橋", "一番町4-2-101", rates, "131016")
    assert line == "東京都千代田区一番町4-2-101"
    assert same_place("一番町4-2-101", line, "131016")
    # The choices drawn before it are unchanged by the new rate (stable per resident).
    old = NotationRates(variants=0.5, block_forms=0.5, kanji_numerals=0.5, seed=3)
    new = NotationRates(variants=0.5, block_forms=0.5, kanji_numerals=0.5, seed=3, municipality=1.0)
    for code in map(str, range(200)):
        before = in_resident_notation(code, "高橋", "千代田区一番町4-2-101", old, "131016")
        after = in_resident_notation(code, "高橋", "千代田区一番町4-2-101", new, "131016")
        assert after == (before[0], "東京都" + before[1])
