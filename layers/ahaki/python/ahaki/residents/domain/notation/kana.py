"""The reading (フリガナ) equivalence: width (NFKC), hiragana as katakana, small kana as large,
and the long vowel mark ー as the vowel it lengthens (ユーコ = ユウコ, オータ = オオタ).

Two readings that differ after these rules are different readings (ショウジ and トウカイリン),
not two notations of one; what that means for the sync is in ``residents/domain/sync.py`` (``compare``).
"""

from __future__ import annotations

import jaconv

from ahaki.residents.domain.notation.names import nfkc
from ahaki.residents.domain.notation.rules import Rules, rule

_SMALL = dict(zip(map(ord, "ァィゥェォッャュョヮヵヶ"), "アイウエオツヤユヨワカケ", strict=True))
_ROWS = {
    "ア": "アカガサザタダナハバパマヤャラワァヮ",
    "イ": "イキギシジチヂニヒビピミリヰィ",
    "ウ": "ウクグスズツヅヌフブプムユュルゥヴ",
    "エ": "エケゲセゼテデネヘベペメレヱェ",
    "オ": "オコゴソゾトドノホボポモヨョロヲォ",
}
_VOWEL = {kana: vowel for vowel, row in _ROWS.items() for kana in row}


def hiragana_as_katakana(value: str) -> str:
    return str(jaconv.hira2kata(value))


# The characters jaconv changes (it maps one character at a time, hiragana only), as a table.
_HIRAGANA = {ord(c): hiragana_as_katakana(c) for c in map(chr, range(0x3000, 0x3100)) if hiragana_as_katakana(c) != c}


def small_as_large(value: str) -> str:
    return value.translate(_SMALL)


def long_vowel_spelled(value: str) -> str:
    if "ー" not in value:
        return value
    out: list[str] = []
    for ch in value:
        vowel = _VOWEL.get(out[-1]) if ch == "ー" and out else None
        out.append(vowel or ch)
    return "".join(out)


KANA_RULES: Rules = (
    rule("kana.width", nfkc, "full-width/half-width kana (Unicode NFKC)", composes=False),
    rule(
        "kana.hiragana",
        hiragana_as_katakana,
        "hiragana read as katakana",
        frozenset(map(chr, _HIRAGANA)),
        table=_HIRAGANA,
    ),
    rule("kana.small", small_as_large, "small kana read as large (ャ = ヤ)", "ァィゥェォッャュョヮヵヶ", table=_SMALL),
    rule("kana.long_vowel", long_vowel_spelled, "ー spelled as the vowel it lengthens (ユーコ = ユウコ)", "ー"),
)
