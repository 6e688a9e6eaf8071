"""The address equivalence, for two lines of one municipality (the municipality itself is
compared by its 全国地方公共団体コード, never by its name).

A rule set of our own (docs/adr/0161-address-equivalence.md says why no library): width,
spaces, a leading prefecture name, 大字, ケ/ヶ/が and ノ/の in place names, kanji numerals where a
number is meant, dash notations, 丁目/番地/番/号 as hyphens, and the building part reduced to
its numbers. 一番町4-2-101 and 一番町四丁目2番地101 are the same place; 4-2-101 and 4-2-102 are not.
"""

from __future__ import annotations

import re

from ahaki.residents.domain.notation.names import nfkc
from ahaki.residents.domain.notation.rules import Rules, rule

_PREFECTURES = re.compile(
    "^(?:北海道|東京都|京都府|大阪府|"
    "青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|神奈川県|新潟県|"
    "富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|兵庫県|奈良県|和歌山県|"
    "鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|福岡県|佐賀県|長崎県|熊本県|"
    "大分県|宮崎県|鹿児島県|沖縄県)+"
)
_SPACES = re.compile(r"\s+")
_WHITESPACE = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())  # every one \s matches
_KANJI_DIGITS = "〇一二三四五六七八九"
_UNITS = {"十": 10, "百": 100, "千": 1000}
_UNIT_SET = frozenset(_UNITS)
_DIGITS = str.maketrans(_KANJI_DIGITS, "0123456789")
# A run of kanji numerals where a number is meant: before 丁目/番地/番/号 or a dash, or after one
# of them or a digit. 番町 and 番丁 are place names (一番町), not a number. Digits are ASCII
# digits only (re.ASCII): a Unicode \d would take ０ even with the width rule turned off.
_KANJI_RUN = re.compile("[〇一二三四五六七八九十百千]+")
_NUMBER_BEFORE = frozenset("目地番号-0123456789")
_NUMBER_AFTER = re.compile("丁目|番地|番(?![町丁])|号|-|$")
_A_NUMBER = re.compile(
    "(?<=[目地番号0-9-])[〇一二三四五六七八九十百千]|[〇一二三四五六七八九十百千](?=丁目|番地|番(?![町丁])|号|-|$)"
)
_DASHES = re.compile(r"(?<=\d)(?:[‐‑‒–—―−ー─━﹣]|の)(?=\d)", re.ASCII)
_MARKERS = re.compile(r"(?<=[0-9])(?:丁目|番地の?|番(?![町丁])|号)")
_HYPHEN_RUNS = re.compile(r"-{2,}")
_GA = re.compile(r"(?<=\D)[ヶケヵがガ](?=\D)", re.ASCII)
_NO = re.compile(r"(?<=\D)ノ(?=\D)", re.ASCII)
_FIRST_DIGIT = re.compile(r"\d", re.ASCII)
_NUMBERS = re.compile(r"[0-9A-Za-z]+")


def kanji_number(text: str) -> str:
    """一〇一 -> 101, 二十三 -> 23, 百五 -> 105 (positional when a unit is present)."""
    if _UNIT_SET.isdisjoint(text):
        return text.translate(_DIGITS)
    total, current = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS.index(ch)
    return str(total + current)


def without_spaces(value: str) -> str:
    return _SPACES.sub("", value)


def without_prefecture(value: str) -> str:
    return _PREFECTURES.sub("", value)


def without_oaza(value: str) -> str:
    while "大字" in value:  # 大大字字 leaves 大字 after one pass
        value = value.replace("大字", "")
    return value


def place_kana_folded(value: str) -> str:
    return _NO.sub("の", _GA.sub("ケ", value))


def kanji_numerals(value: str) -> str:
    if _A_NUMBER.search(value) is None:  # the common case, decided in C: no kanji numeral means a number
        return value
    parts: list[str] = []
    last = 0
    for run in _KANJI_RUN.finditer(value):
        start, end = run.span()
        if (start and value[start - 1] in _NUMBER_BEFORE) or _NUMBER_AFTER.match(value, end):
            parts += (value[last:start], kanji_number(run.group()))
            last = end
    return "".join((*parts, value[last:])) if parts else value


def dashes(value: str) -> str:
    return _DASHES.sub("-", value)


def block_markers(value: str) -> str:
    marked = _MARKERS.sub("-", value)
    if marked == value:  # no marker: hyphens as they were (dash notations are another rule's)
        return value
    return (_HYPHEN_RUNS.sub("-", marked) if "--" in marked else marked).rstrip("-")


def building_numbers(value: str) -> str:
    """From the first number on, only the numbers (and letters) count: 4-2 一番町ハイツ101号室 is
    4-2-101. The building's name is not compared; its room number is."""
    first = _FIRST_DIGIT.search(value)
    if first is None:
        return value
    return value[: first.start()] + "-".join(_NUMBERS.findall(value[first.start() :]))


ADDRESS_RULES: Rules = (
    rule("address.width", nfkc, "full-width/half-width digits, letters and kana (Unicode NFKC)", composes=False),
    rule("address.spaces", without_spaces, "spaces ignored", _WHITESPACE),
    rule("address.prefecture", without_prefecture, "a leading prefecture name ignored (the code decides)", "道都府県"),
    rule("address.oaza", without_oaza, "大字 ignored", "大"),
    rule(
        "address.place_kana", place_kana_folded, "ケ/ヶ/が and ノ/の in place names (霞ヶ関 = 霞が関)", "ヶケヵがガノ"
    ),
    rule(
        "address.kanji_numerals",
        kanji_numerals,
        "kanji numerals where a number is meant (四丁目 = 4丁目)",
        _A_NUMBER,
        composes=False,
    ),
    rule(
        "address.dashes",
        dashes,
        "dash notations and の between numbers as a hyphen",
        _DASHES,
        composes=False,
    ),
    rule("address.block_markers", block_markers, "丁目/番地/番/号 as hyphens (4丁目2番地101 = 4-2-101)", _MARKERS),
    rule("address.building", building_numbers, "the building part reduced to its numbers", "0123456789"),
)
